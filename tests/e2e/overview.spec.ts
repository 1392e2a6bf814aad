import { expect, test } from '@playwright/test';
import { screenshotPath } from './fixtures';

test('the overview renders live KPIs, charts, top users and the pipeline, with security headers', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
  expect(response?.headers()['x-content-type-options']).toBe('nosniff');
  expect(response?.headers()['referrer-policy']).toBe('no-referrer');

  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const kpis = ['kpi-eps', 'kpi-active', 'kpi-events', 'kpi-time', 'kpi-visit-time', 'kpi-clicks-per-page-view', 'kpi-sessions', 'kpi-bounce-rate', 'kpi-avg-visit', 'kpi-conversion', 'kpi-ctr'];
  for (const id of kpis) await expect(page.getByTestId(id)).toBeVisible();
  await expect(page.getByTestId('kpi-time')).toHaveText(/^\d[\d,]*h \d+m|^\d+m \d+s|^\d+s|^\d+h \d+m \d+s$/);
  await expect(page.getByTestId('kpi-ctr')).toHaveText(/%$|—/);
  await expect(page.getByTestId('kpi-clicks-per-page-view')).toHaveText(/^\d+\.\d\d$|^—$/);
  for (const id of ['kpi-bounce-rate', 'kpi-conversion']) await expect(page.getByTestId(id)).toHaveText(/%$|^—$/);
  // The time the events report is labelled as such, with the visit time beside it; CTR is a share, the old ratio has its own name.
  await expect(page.getByText('Time on site today (reported)')).toBeVisible();
  await expect(page.getByText('Visit time today')).toBeVisible();
  await expect(page.getByText('Clicks per page view today')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sessions funnel today' })).toBeVisible();
  await expect(page.getByTestId('overview-funnel').getByRole('rowheader')).toHaveText(['Page view', 'Add to cart', 'Purchase']);
  await expect(page.getByRole('heading', { name: 'Events per minute, last 60 minutes' })).toBeVisible();
  await expect(page.locator('.recharts-surface').first()).toBeVisible();
  await expect(page.getByTestId('top-users')).toBeVisible();
  await expect(page.getByTestId('pipeline')).toBeVisible();
  // The live connection comes up and the pipeline panel is fed by it.
  await expect(page.getByTestId('connection')).toHaveText(/Live/);
  await page.screenshot({ path: screenshotPath('overview-desktop'), fullPage: true });
});

test('the theme toggle switches between light and dark and is remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  const html = page.locator('html');
  const toggle = page.getByRole('button', { name: 'Switch to dark theme' });
  await toggle.click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(15, 20, 27)');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('button', { name: 'Switch to light theme' })).toBeVisible();
  await page.screenshot({ path: screenshotPath('overview-dark'), fullPage: true });
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await expect(html).toHaveAttribute('data-theme', 'light');
});
