/**
 * Browser tests in the machine's Chromium (Debian's; Playwright's own download is not available).
 * Playwright starts what the pages need: the web server (a production build, so what is tested is
 * what `npm run demo` serves) and a worker, on a topic and consumer group of this run only, against
 * the Kafka broker and database that scripts/test.ts (or the caller) provides through env.
 */
import { defineConfig, devices } from '@playwright/test';

process.env.E2E_RUN_ID ??= `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const runId = process.env.E2E_RUN_ID;
const port = Number(process.env.PORT ?? 3100);
const workerPort = port + 1;
const baseURL = `http://127.0.0.1:${port}`;

const env: Record<string, string> = {
  ...(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<string, string>),
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
  HOST: '127.0.0.1',
  PORT: String(port),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  TOPIC_EVENTS: `e2e.${runId}.events`,
  TOPIC_DLQ: `e2e.${runId}.dlq`,
  TOPIC_LATE: `e2e.${runId}.late`,
  WORKER_GROUP_ID: `e2e-${runId}-worker`,
  EVENTS_PARTITIONS: '2',
  SIMULATOR_RATE: '30',
  SIMULATOR_USERS: '5',
  SIMULATOR_AUTOSTART: 'false',
};
delete env.ADMIN_TOKEN;

export const e2eEnv = env;

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: 'test-results/artifacts',
  globalSetup: './tests/e2e/global-setup.ts',
  globalTeardown: './tests/e2e/global-teardown.ts',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], viewport: { width: 1366, height: 900 } } }],
  webServer: [
    {
      command: 'node_modules/.bin/next build && node_modules/.bin/tsx web/server.ts',
      url: `${baseURL}/api/health`,
      env,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
    {
      command: 'node_modules/.bin/tsx worker/main.ts',
      url: `http://127.0.0.1:${workerPort}/healthz`,
      env: { ...env, WORKER_METRICS_PORT: String(workerPort) },
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
  ],
});
