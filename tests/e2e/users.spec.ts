import { expect, test, type Page } from '@playwright/test';
import { SEEDED_USERS, screenshotPath, seedPrefix, testDb } from './fixtures';
import * as T from './session-truth';

const rows = (page: Page) => page.getByTestId('users-table').locator('tbody tr');

/** The cells of the users table's column with this header (the userId column is a row header). */
async function column(page: Page, header: string): Promise<string[]> {
  const headers = (await page.getByTestId('users-table').locator('thead th').allTextContents()).map((h) => h.replace(/[▲▼↕]/g, '').trim());
  const index = headers.indexOf(header);
  expect(index, `column ${header} in ${headers.join(' | ')}`).toBeGreaterThanOrEqual(0);
  return rows(page).locator(`:is(th, td):nth-child(${index + 1})`).allInnerTexts();
}

async function columnNumbers(page: Page, header: string): Promise<number[]> {
  return (await column(page, header)).map((c) => Number(c.replace(/[^\d.]/g, '')));
}

const userIds = (page: Page) => column(page, 'User');

/** The seeded user_session rows (tests/support/seed.ts) of these users on days in [from, to], as the figures need them. */
async function seededSessions(userIds: string[], from: string, to: string) {
  const rows = await testDb().userSession.findMany({
    where: { userId: { in: userIds }, day: { gte: new Date(`${from}T00:00:00Z`), lte: new Date(`${to}T00:00:00Z`) } },
    orderBy: { startAt: 'desc' },
  });
  return rows.map((r) => ({
    userId: r.userId, startMs: r.startAt.getTime(), endMs: r.endAt.getTime(), eventCount: r.eventCount, pageViews: r.pageViews,
    clickedPageViews: r.clickedPageViews, funnelStep: r.funnelStep, converted: r.converted, final: r.final, partition: r.partition,
    firstOffset: r.firstOffset, lastOffset: r.lastOffset,
  }));
}

test('the users table searches, sorts and paginates on the server', async ({ page }) => {
  await page.goto('/users');
  await expect(page.getByRole('heading', { name: 'Users', exact: true })).toBeVisible();
  await page.getByTestId('users-search').fill(seedPrefix);
  await expect(page).toHaveURL(new RegExp(`q=${seedPrefix}`));
  await expect(page.getByRole('heading', { name: new RegExp(`^${SEEDED_USERS} users`) })).toBeVisible();
  await expect(rows(page)).toHaveCount(50);
  const ids = await userIds(page);
  for (const id of ids) expect(id.startsWith(seedPrefix)).toBe(true);

  // The session columns equal the seeded sessions of today, worked out here.
  const today = T.utcDay(Date.now());
  const seeded = await seededSessions(ids, today, today);
  const shown = await Promise.all(['Sessions', 'Visit time', 'Bounce rate', 'CTR'].map((h) => column(page, h)));
  ids.forEach((id, i) => {
    const f = T.figuresOf(seeded.filter((r) => r.userId === id));
    expect(shown.map((cells) => cells[i]), id).toEqual([T.int(f.sessions), T.visit(f.visitTimeMs / 1000), T.percent(f.bounceRate), T.percent(f.ctr)]);
  });

  // Sort by sessions: the column is ordered, and the header says so.
  await page.getByTestId('sort-sessions').click();
  await expect(page).toHaveURL(/sort=sessions&order=desc/);
  await expect(page.locator('th[aria-sort="descending"]')).toHaveText(/Sessions/);
  const bySessions = await columnNumbers(page, 'Sessions');
  expect(bySessions).toEqual([...bySessions].sort((a, b) => b - a));

  // Sort by events, descending then ascending.
  await page.getByTestId('sort-events').click();
  await expect(page).toHaveURL(/sort=events&order=desc/);
  const desc = await columnNumbers(page, 'Events');
  expect(desc).toEqual([...desc].sort((a, b) => b - a));
  await page.getByTestId('sort-events').click();
  await expect(page).toHaveURL(/sort=events&order=asc/);
  const asc = await columnNumbers(page, 'Events');
  expect(asc).toEqual([...asc].sort((a, b) => a - b));
  await expect(page.locator('th[aria-sort="ascending"]')).toHaveText(/Events/);

  // Keyset pagination: page 2 continues where page 1 ended, page 3 holds the remaining 20.
  const firstPage = await userIds(page);
  await page.getByTestId('next-page').click();
  await expect(page.getByText('Rows 51–100')).toBeVisible();
  const secondPage = await userIds(page);
  expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
  const secondEvents = await columnNumbers(page, 'Events');
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
    const [events, ids] = await Promise.all([column(page, 'Most common event'), userIds(page)]);
    // A tie shows every tied type ("Click, Page view"); the table sorts by the first.
    return ids.map((id, i) => [(events[i] ?? '').split(', ')[0] ?? '', id] as const);
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
  const first = rows(page).first().locator('th a');
  const userId = await first.innerText();
  await first.click();
  await expect(page).toHaveURL(new RegExp(`/users/${userId}$`));
  await expect(page.getByTestId('user-id')).toHaveText(userId);
  await expect(page.getByRole('heading', { name: 'Events, time on site and visit time per day' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sessions funnel' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sessions list' })).toBeVisible();
  // The range's session metrics and sessions list equal the seeded sessions of the last 7 days, worked out here.
  const to = T.utcDay(Date.now());
  const seeded = await seededSessions([userId], T.utcDay(Date.now() - 6 * 86_400_000), to);
  const f = T.figuresOf(seeded);
  await expect(page.getByTestId('user-sessions-count')).toHaveText(T.int(f.sessions));
  await expect(page.getByTestId('user-visit-time')).toHaveText(T.visit(f.visitTimeMs / 1000));
  await expect(page.getByTestId('user-avg-visit')).toHaveText(T.visit(f.averageVisitSeconds));
  await expect(page.getByTestId('user-bounce-rate')).toHaveText(T.percent(f.bounceRate));
  await expect(page.getByTestId('user-pages-per-session')).toHaveText(T.twoDecimals(f.pagesPerSession));
  await expect(page.getByTestId('user-ctr')).toHaveText(T.percent(f.ctr));
  await expect(page.getByTestId('user-conversion')).toHaveText(T.percent(f.conversionRate));
  for (const [i, step] of (['pageView', 'addToCart', 'purchase'] as const).entries()) {
    await expect(page.getByTestId(`user-funnel-${step}`).locator('td').first()).toHaveText(T.int(f.funnel[i] ?? 0));
  }
  const list = page.getByTestId('user-sessions');
  await expect(list.locator('tbody tr')).toHaveCount(Math.min(50, seeded.length));
  expect(await list.locator('tbody th').allTextContents()).toEqual(seeded.slice(0, 50).map((r) => T.dateTime(r.startMs)));
  expect(await list.locator('tbody td:nth-child(8)').allTextContents()).toEqual(seeded.slice(0, 50).map((r) => (r.final ? 'Final' : 'Open')));
  await expect(page.getByRole('heading', { name: 'Events by type' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'CTR per day' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Today, per minute' })).toBeVisible();
  await expect(page.getByTestId('user-days').locator('tbody tr')).toHaveCount(7);
  expect(await page.locator('.recharts-surface').count()).toBeGreaterThanOrEqual(3);
  await page.screenshot({ path: screenshotPath('user-desktop'), fullPage: true });

  // A seeded session's page: its figures; its Kafka offsets point at no events of this user, and the page says so.
  const newest = seeded[0];
  if (!newest) throw new Error('the seed gives every user-day a session');
  await list.getByRole('link', { name: `Session starting ${T.dateTime(newest.startMs)} UTC` }).click();
  await expect(page.getByTestId('session-events-count')).toHaveText(T.int(newest.eventCount));
  await expect(page.getByTestId('session-duration')).toHaveText(T.visit((newest.endMs - newest.startMs) / 1000));
  await expect(page.getByTestId('session-kafka')).toHaveText(`partition ${newest.partition}, offsets ${newest.firstOffset}–${newest.lastOffset}`);
  await expect(page.getByTestId('session-events-status')).toHaveAttribute('data-status', /^(mismatch|expired)$/);
  await expect(page.getByTestId('session-events-status')).not.toBeEmpty();
  await page.goBack();

  // The range picker: the last 3 days only.
  expect(await page.getByTestId('range-to').inputValue()).toBe(to);
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
