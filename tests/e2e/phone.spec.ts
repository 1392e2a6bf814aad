import { expect, test } from '@playwright/test';
import { screenshotPath, seedPrefix } from './fixtures';
import { expectNoSidewaysScroll } from './overflow';

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
    await expectNoSidewaysScroll(page, name);
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
  });
}

// What a phone shows before the scripts have run (a slow phone, a busy server): the server's HTML,
// charts at their initial size, must fit too.
test.describe('before the scripts run', () => {
  test.use({ javaScriptEnabled: false });
  for (const [name, path] of [
    ['phone-overview-html', '/'],
    ['phone-users-html', `/users?q=${seedPrefix}`],
    ['phone-user-html', `/users/${seedPrefix}-00001`],
  ] as const) {
    test(`${name}: the server's HTML fits a 390 px phone without sideways scrolling`, async ({ page }) => {
      const res = await page.goto(path);
      expect(res?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectNoSidewaysScroll(page, name);
    });
  }
});
