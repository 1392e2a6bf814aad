import { expect, test } from '@playwright/test';
import { screenshotPath, seedPrefix } from './fixtures';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

for (const [name, path] of [
  ['phone-overview', '/'],
  ['phone-users', `/users?q=${seedPrefix}`],
  ['phone-user', `/users/${seedPrefix}-00001`],
] as const) {
  test(`${name}: fits a 390 px phone without sideways scrolling`, async ({ page }) => {
    const res = await page.goto(path);
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('form', { name: 'Simulation control' }).getByRole('button', { name: /^(Start|Apply)$/ })).toBeVisible();
    await expect(page.getByRole('button', { name: /Switch to (dark|light) theme/ })).toBeInViewport();
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
  });
}
