/**
 * The web server restarted mid-session (SIGKILL, then started again on the same port): the open
 * page reconnects by itself (the badge goes back to Live), live updates resume without a reload,
 * and the simulation control shows the real state afterwards: the simulator ran inside the killed
 * process, so after the restart it is stopped, and the page must say so rather than keep showing
 * "Running".
 */
import { expect, test, type Page } from '@playwright/test';
import type { WebServerProcess } from '@/tooling/process/web-server';
import { screenshotPath } from './fixtures';
import { ownServerEnv, startOwnServer } from './own-server';

const sentCount = async (page: Page) => {
  const m = /([\d,]+) sent/.exec(await page.getByTestId('sim-state').innerText());
  return m ? Number(m[1]?.replace(/,/g, '')) : 0;
};

let server: WebServerProcess | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test('after a web server restart the page reconnects, updates resume and the control shows the real state', async ({ page }) => {
  test.setTimeout(240_000);
  const env = ownServerEnv();
  server = await startOwnServer('web-restart', env);
  const { url, port } = server;

  await page.goto(`${url}/`);
  const badge = page.getByTestId('connection');
  const state = page.getByTestId('sim-state');
  const control = page.getByRole('form', { name: 'Simulation control' });
  await expect(badge).toHaveText(/Live/);
  await expect(state).toContainText('Stopped');

  await control.getByRole('spinbutton', { name: 'Rate/s' }).fill('20');
  await control.getByRole('spinbutton', { name: 'Users' }).fill('5');
  await control.getByRole('button', { name: 'Start' }).click();
  await expect(state).toContainText('Running', { timeout: 15_000 });
  await expect.poll(() => sentCount(page), { timeout: 20_000 }).toBeGreaterThan(0);

  // Crash: the process group gets SIGKILL; the page sees the connection go.
  await server.kill();
  await expect(badge).toHaveText(/Reconnecting/, { timeout: 15_000 });
  await expect(state).toContainText('reconnecting');

  server = await startOwnServer('web-restart', env, port);
  await expect(badge).toHaveText(/^Live/, { timeout: 60_000 });
  // The simulator died with the old process: the control must show that, without a reload.
  await expect(state).toContainText('Stopped', { timeout: 15_000 });
  await expect(state).not.toContainText('reconnecting');
  const status = (await (await page.request.get(`${url}/api/simulation`)).json()) as { running: boolean };
  expect(status.running).toBe(false);

  // Live updates resume on the same page: start again, the sent count climbs and the worker's
  // commits keep arriving.
  await control.getByRole('button', { name: 'Start' }).click();
  await expect(state).toContainText('Running', { timeout: 15_000 });
  const sentAfter = await sentCount(page);
  await expect.poll(() => sentCount(page), { timeout: 20_000 }).toBeGreaterThan(sentAfter);
  const processed = Number((await page.getByTestId('pipeline-processed').innerText()).replace(/\D/g, ''));
  await expect.poll(async () => Number((await page.getByTestId('pipeline-processed').innerText()).replace(/\D/g, '')), { timeout: 60_000 }).toBeGreaterThan(processed);
  await page.screenshot({ path: screenshotPath('after-web-restart'), fullPage: true });

  await control.getByRole('button', { name: 'Stop' }).click();
  await expect(state).toContainText('Stopped', { timeout: 15_000 });
});
