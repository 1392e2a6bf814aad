/**
 * The whole pipeline from the header: Start → the simulator sends to Kafka → the worker commits →
 * the overview changes without a reload; a simulated user's page shows live events; Stop.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { screenshotPath, testDb } from './fixtures';

/** How many simulated users' pages are watched at once for a live event. */
const WATCHED_PAGES = 6;

/** The newest event an open user page lists (it shows at most 20, so their count stops growing). */
const newest = async (list: Locator) => ((await list.count()) === 0 ? null : await list.first().textContent());
const number = async (page: Page, testId: string) => Number((await page.getByTestId(testId).innerText()).replace(/[^\d.]/g, ''));

test.describe.configure({ mode: 'serial' });

test('start from the header: numbers change without a reload, the state survives a reload', async ({ page }) => {
  await page.goto('/');
  const state = page.getByTestId('sim-state');
  await expect(state).toContainText('Stopped');
  await expect(page.getByTestId('connection')).toHaveText(/Live/);
  const processedBefore = await number(page, 'pipeline-processed');
  const eventsBefore = await number(page, 'kpi-events');

  const control = page.getByRole('form', { name: 'Simulation control' });
  await control.getByRole('spinbutton', { name: 'Rate/s' }).fill('40');
  await control.getByRole('spinbutton', { name: 'Users' }).fill('5');
  // A double click must do no harm: one run starts, no error appears.
  await control.getByRole('button', { name: 'Start' }).dblclick();
  await expect(state).toContainText('Running', { timeout: 15_000 });
  await expect(control.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('pipeline').getByRole('alert')).toHaveCount(0);

  // Live: the worker's commits reach the page without a reload.
  await expect.poll(() => number(page, 'pipeline-processed'), { timeout: 30_000 }).toBeGreaterThan(processedBefore);
  await expect.poll(() => number(page, 'kpi-events'), { timeout: 30_000 }).toBeGreaterThan(eventsBefore);
  await expect(state).toContainText(/of 40\/s/);
  await page.screenshot({ path: screenshotPath('overview-running'), fullPage: true });

  await page.reload();
  await expect(page.getByTestId('sim-state')).toContainText('Running');
  const status = (await (await page.request.get('/api/pipeline')).json()) as { simulator: { running: boolean; rate: number; users: number } };
  expect(status.simulator).toMatchObject({ running: true, rate: 40, users: 5 });
});

test('a simulated user shows live events as they arrive', async ({ page }) => {
  // A user's next event comes one dwell after the previous one (about 24 s on average, right-skewed,
  // sometimes minutes), and a session ends after about 8 events, when the user stays away for more
  // than 30 minutes. So the pages watched are those of the users seen most recently in a session of
  // two or more events (past the bounce), several at once, and one of them showing a new event
  // without a reload passes.
  test.setTimeout(150_000);
  const candidates = async () =>
    (
      await testDb().$queryRaw<{ user_id: string }[]>`
        SELECT user_id FROM user_session
        WHERE user_id LIKE 'user-%' AND event_count >= 2 AND end_at > now() - interval '90 seconds'
        ORDER BY end_at DESC LIMIT ${WATCHED_PAGES}`
    ).map((r) => r.user_id);
  await expect.poll(async () => (await candidates()).length, { timeout: 60_000, message: 'a simulated user in a session' }).toBeGreaterThan(0);
  const users = await candidates();

  const pages = [page, ...(await Promise.all(users.slice(1).map(() => page.context().newPage())))];
  const watched = await Promise.all(
    users.map(async (userId, i) => {
      const p = pages[i] as Page;
      await p.goto(`/users/${userId}`);
      await expect(p.getByTestId('user-id')).toHaveText(userId);
      const list = p.getByTestId('recent-events').locator('li');
      return { userId, page: p, list, before: await newest(list) };
    }),
  );
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    for (const w of watched) {
      if ((await newest(w.list)) !== w.before) {
        await w.page.screenshot({ path: screenshotPath('user-live'), fullPage: true });
        return;
      }
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`no new event reached an open user page within 90 s (watched ${users.join(', ')})`);
});

test('stop from the header: the state shows Stopped, also after a reload', async ({ page }) => {
  await page.goto('/');
  const state = page.getByTestId('sim-state');
  await expect(state).toContainText('Running');
  await page.getByRole('form', { name: 'Simulation control' }).getByRole('button', { name: 'Stop' }).dblclick();
  await expect(state).toContainText('Stopped', { timeout: 15_000 });
  await page.reload();
  await expect(page.getByTestId('sim-state')).toContainText('Stopped');
  const status = (await (await page.request.get('/api/simulation')).json()) as { running: boolean };
  expect(status.running).toBe(false);
});
