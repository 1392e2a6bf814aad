import { expect, test, type Page } from '@playwright/test';
import { SEEDED_USERS, screenshotPath, seedPrefix } from './fixtures';

const rows = (page: Page) => page.getByTestId('users-table').locator('tbody tr');

async function columnNumbers(page: Page, index: number): Promise<number[]> {
  const cells = await rows(page).locator(`td:nth-child(${index})`).allInnerTexts();
  return cells.map((c) => Number(c.replace(/[^\d.]/g, '')));
}

test('the users table searches, sorts and paginates on the server', async ({ page }) => {
  await page.goto('/users');
  await expect(page.getByRole('heading', { name: 'Users', exact: true })).toBeVisible();
  await page.getByTestId('users-search').fill(seedPrefix);
  await expect(page).toHaveURL(new RegExp(`q=${seedPrefix}`));
  await expect(page.getByRole('heading', { name: new RegExp(`^${SEEDED_USERS} users`) })).toBeVisible();
  await expect(rows(page)).toHaveCount(50);
  for (const id of await rows(page).locator('td:first-child').allInnerTexts()) expect(id.startsWith(seedPrefix)).toBe(true);

  // Sort by events, descending then ascending.
  await page.getByTestId('sort-events').click();
  await expect(page).toHaveURL(/sort=events&order=desc/);
  const desc = await columnNumbers(page, 3);
  expect(desc).toEqual([...desc].sort((a, b) => b - a));
  await page.getByTestId('sort-events').click();
  await expect(page).toHaveURL(/sort=events&order=asc/);
  const asc = await columnNumbers(page, 3);
  expect(asc).toEqual([...asc].sort((a, b) => a - b));
  await expect(page.locator('th[aria-sort="ascending"]')).toHaveText(/Events/);

  // Keyset pagination: page 2 continues where page 1 ended, page 3 holds the remaining 20.
  const firstPage = await rows(page).locator('td:first-child').allInnerTexts();
  await page.getByTestId('next-page').click();
  await expect(page.getByText('Rows 51–100')).toBeVisible();
  const secondPage = await rows(page).locator('td:first-child').allInnerTexts();
  expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
  const secondEvents = await columnNumbers(page, 3);
  expect(secondEvents[0]).toBeGreaterThanOrEqual(asc.at(-1) ?? 0);
  await page.getByTestId('next-page').click();
  await expect(rows(page)).toHaveCount(SEEDED_USERS - 100);
  await expect(page.getByTestId('next-page')).toHaveCount(0);

  // A search that matches nothing shows the empty state.
  await page.getByTestId('users-search').fill(`${seedPrefix}-zzz`);
  await expect(page.getByTestId('users-empty')).toBeVisible();
});

test('a user opened from the table shows charts and per-day figures; an unknown user is a 404', async ({ page }) => {
  await page.goto(`/users?q=${seedPrefix}&sort=timeSpent&order=desc`);
  const first = rows(page).first().locator('td:first-child a');
  const userId = await first.innerText();
  await first.click();
  await expect(page).toHaveURL(new RegExp(`/users/${userId}$`));
  await expect(page.getByTestId('user-id')).toHaveText(userId);
  await expect(page.getByRole('heading', { name: 'Time spent and events per day' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Events by type' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'CTR per day' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Today, per minute' })).toBeVisible();
  await expect(page.getByTestId('user-days').locator('tbody tr')).toHaveCount(7);
  expect(await page.locator('.recharts-surface').count()).toBeGreaterThanOrEqual(3);
  await page.screenshot({ path: screenshotPath('user-desktop'), fullPage: true });

  // The range picker: the last 3 days only.
  const to = await page.getByTestId('range-to').inputValue();
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 2 * 86_400_000).toISOString().slice(0, 10);
  await page.getByTestId('range-from').fill(from);
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(new RegExp(`from=${from}`));
  await expect(page.getByTestId('user-days').locator('tbody tr')).toHaveCount(3);

  const missing = await page.goto(`/users/${seedPrefix}-nobody`);
  expect(missing?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toBeVisible();
  const invalid = await page.goto('/users/%3Cscript%3E');
  expect(invalid?.status()).toBe(404);
});
