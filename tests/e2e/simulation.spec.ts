/**
 * The whole pipeline from the header: Start → the simulator sends to Kafka → the worker commits →
 * the overview changes without a reload; a simulated user's page shows live events; Stop.
 */
import { expect, test, type Page } from '@playwright/test';
import { screenshotPath } from './fixtures';

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
  // A user's next event comes one dwell after the previous one (about 24 s on average, right-skewed)
  // and a session ends after about 8 events, then the user stays away for more than 30 minutes; so
  // any one user may be between events or between sessions. Users are tried in turn until one
  // page shows an event arriving.
  test.setTimeout(8 * 45_000);
  const tried: string[] = [];
  for (let i = 1; i <= 8; i++) {
    const userId = `user-${String(i).padStart(5, '0')}`;
    if ((await page.request.get(`/api/users/${userId}/daily`)).status() !== 200) continue;
    tried.push(userId);
    await page.goto(`/users/${userId}`);
    await expect(page.getByTestId('user-id')).toHaveText(userId);
    const list = page.getByTestId('recent-events').locator('li');
    const before = await list.count();
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      if ((await list.count()) > Math.min(before, 19)) {
        await page.screenshot({ path: screenshotPath('user-live'), fullPage: true });
        return;
      }
      await page.waitForTimeout(500);
    }
  }
  throw new Error(`no new event reached an open user page within 40 s (tried ${tried.join(', ') || 'no counted user'})`);
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
