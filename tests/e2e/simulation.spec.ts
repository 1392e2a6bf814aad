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
  // With 5 users every one of them is busy; wait until the worker has counted user-00001.
  await expect.poll(async () => (await page.request.get('/api/users/user-00001/daily')).status(), { timeout: 30_000 }).toBe(200);
  await page.goto('/users/user-00001');
  await expect(page.getByTestId('user-id')).toHaveText('user-00001');
  const list = page.getByTestId('recent-events').locator('li');
  await expect.poll(() => list.count(), { timeout: 30_000 }).toBeGreaterThan(0);
  const before = await list.count();
  await expect.poll(() => list.count(), { timeout: 30_000 }).toBeGreaterThan(Math.min(before, 19));
  await page.screenshot({ path: screenshotPath('user-live'), fullPage: true });
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
