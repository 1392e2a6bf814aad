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

test('the users table sorts by most common event and pages forwards and backwards', async ({ page }) => {
  await page.goto(`/users?q=${seedPrefix}`);
  await expect(page.getByTestId('users-rows')).toHaveText(`Rows 1–50 of ${SEEDED_USERS}`);
  await page.getByTestId('sort-mostCommonEvent').click();
  await expect(page).toHaveURL(/sort=mostCommonEvent&order=asc/);
  await expect(page.locator('th[aria-sort="ascending"]')).toHaveText(/Most common event/);
  const pairs = async () => {
    const [events, ids] = await Promise.all([rows(page).locator('td:nth-child(4)').allInnerTexts(), rows(page).locator('td:first-child').allInnerTexts()]);
    return ids.map((id, i) => [events[i] ?? '', id] as const);
  };
  // Ordered by the event type's name (its label sorts the same way), ties (many users share one) by userId.
  type Pair = readonly [string, string];
  const before = (a: Pair, b: Pair) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  const inOrder = (xs: readonly Pair[]) => xs.slice(1).every((x, i) => before(xs[i] as Pair, x));
  const first = await pairs();
  expect(first).toHaveLength(50);
  expect(inOrder(first)).toBe(true);
  expect(new Set(first.map(([e]) => e)).size).toBeLessThan(first.length);
  await expect(page.getByTestId('prev-page')).toHaveCount(0);

  // Next: the order continues across the page boundary, ties included.
  await page.getByTestId('next-page').click();
  await expect(page.getByTestId('users-rows')).toHaveText(`Rows 51–100 of ${SEEDED_USERS}`);
  const second = await pairs();
  expect(inOrder([...first, ...second])).toBe(true);
  expect(second.filter(([, id]) => first.some(([, f]) => f === id))).toEqual([]);
  // A reload keeps the page.
  await page.reload();
  expect(await pairs()).toEqual(second);

  // Previous: exactly the first page's rows again.
  await page.getByTestId('prev-page').click();
  await expect(page.getByTestId('users-rows')).toHaveText(`Rows 1–50 of ${SEEDED_USERS}`);
  expect(await pairs()).toEqual(first);
  await expect(page.getByTestId('prev-page')).toHaveCount(0);

  // The browser's back button returns to page 2.
  await page.goBack();
  await expect(page.getByTestId('users-rows')).toHaveText(`Rows 51–100 of ${SEEDED_USERS}`);
  expect(await pairs()).toEqual(second);

  // Descending: the reverse of the ascending order.
  await page.goto(`/users?q=${seedPrefix}&sort=mostCommonEvent&order=desc&limit=200`);
  const desc = await pairs();
  expect(desc).toHaveLength(SEEDED_USERS);
  expect(inOrder([...desc].reverse())).toBe(true);
  await page.screenshot({ path: screenshotPath('users-most-common-event'), fullPage: true });
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
