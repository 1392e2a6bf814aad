import type http from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { logger } from '@/lib/log';
import { startHealthServer, type WorkerHealth } from './health-server';

const health = (): WorkerHealth => ({ status: 'ok', refused: [], retrying: null, lastFetchAt: null, lastCommitAt: null, eventsPerSecond: 0, assignment: {} });
let server: http.Server | undefined;

async function start(tokens: { READ_TOKEN?: string; ADMIN_TOKEN?: string }): Promise<string> {
  server = await startHealthServer(0, '127.0.0.1', new Registry(), health, logger('test-health'), tokens);
  const addr = server?.address();
  if (!addr || typeof addr !== 'object') throw new Error('not listening');
  return `http://127.0.0.1:${addr.port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe("the worker's /metrics and READ_TOKEN", () => {
  it('is open without READ_TOKEN', async () => {
    const url = await start({});
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });
  it('with READ_TOKEN: 401 naming it without the token; 200 with READ_TOKEN or ADMIN_TOKEN; /healthz stays open', async () => {
    const url = await start({ READ_TOKEN: 'read-token-0123456789', ADMIN_TOKEN: 'admin-token-0123456789' });
    const refused = await fetch(`${url}/metrics`);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toMatch(/READ_TOKEN/);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong-token-00000000' } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer read-token-0123456789' } })).status).toBe(200);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer admin-token-0123456789' } })).status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
