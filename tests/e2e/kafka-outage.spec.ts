/**
 * The dashboard shows a Kafka outage while it lasts. A broker of this test's own (127.0.0.1:19292,
 * data under DATA_DIR) serves a web server of its own; the broker is SIGKILLed: the overview's
 * pipeline panel raises an alert naming Kafka, the header badge says "Kafka unreachable", and
 * /api/health answers 503 naming kafka. When the broker is back, all three clear by themselves,
 * without a reload.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { config } from '@/lib/config';
import { killBroker, startBroker, type BrokerOptions } from '@/tooling/infra/kafka-broker';
import type { WebServerProcess } from '@/tooling/process/web-server';
import { runId, screenshotPath } from './fixtures';
import { ownServerEnv, startOwnServer } from './own-server';

const BROKER_PORT = 19292;
const dataDir = path.resolve(process.env.DATA_DIR ?? '.data/test', `outage-${runId}`);
const broker: BrokerOptions = { version: config().KAFKA_VERSION, host: '127.0.0.1', port: BROKER_PORT, controllerPort: BROKER_PORT + 1, dataDir, log: () => undefined };
let server: WebServerProcess | undefined;

test.afterEach(async () => {
  await server?.stop();
  server = undefined;
  killBroker(dataDir);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a Kafka outage shows on the overview, in the header and in /api/health, and clears when Kafka is back', async ({ page }) => {
  test.setTimeout(300_000);
  await startBroker(broker);
  server = await startOwnServer(
    'web-outage',
    ownServerEnv({
      KAFKA_BROKERS: `127.0.0.1:${BROKER_PORT}`,
      TOPIC_EVENTS: `outage.${runId}.events`,
      TOPIC_DLQ: `outage.${runId}.dlq`,
      TOPIC_LATE: `outage.${runId}.late`,
      WORKER_GROUP_ID: `outage-${runId}-worker`,
      EVENTS_PARTITIONS: '1',
    }),
  );
  const { url } = server;
  const health = async () => {
    const r = await page.request.get(`${url}/api/health`);
    return { status: r.status(), body: (await r.json()) as { checks: { kafka: string; database: string } } };
  };
  await expect.poll(async () => (await health()).status, { timeout: 60_000 }).toBe(200);

  await page.goto(`${url}/`);
  const badge = page.getByTestId('connection');
  const alert = page.getByTestId('pipeline').getByRole('alert');
  await expect(badge).toHaveText(/^Live$/);
  await expect(page.getByTestId('pipeline-lag')).toHaveText(/events/, { timeout: 30_000 });
  await expect(alert).toHaveCount(0);

  killBroker(dataDir);
  await expect(alert).toContainText(/Kafka[^.]*not reachable/, { timeout: 30_000 });
  await expect(badge).toContainText('Kafka unreachable');
  await expect(page.getByTestId('pipeline-lag')).toHaveText('unknown');
  const down = await health();
  expect(down.status).toBe(503);
  expect(down.body.checks).toMatchObject({ kafka: 'unreachable', database: 'ok' });
  await page.screenshot({ path: screenshotPath('kafka-outage'), fullPage: true });

  await startBroker(broker);
  await expect(alert).toHaveCount(0, { timeout: 90_000 });
  await expect(badge).toHaveText(/^Live$/);
  await expect(page.getByTestId('pipeline-lag')).toHaveText(/events/);
  await expect.poll(async () => (await health()).status, { timeout: 30_000 }).toBe(200);
});
