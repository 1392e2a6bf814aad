/**
 * `npm run load -- --quick` against the test broker (LOAD_KAFKA_BROKERS) and a database of its own:
 * 100 Socket.IO clients subscribed while HTTP load runs on the API and the pages. Asserts that it
 * ran with zero errors and printed its figures; how fast anything was is not checked here (the
 * numbers are printed, and docs/RELIABILITY.md records them).
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChildProcesses } from '@/tests/support/child-processes';

// A load run still going when its test ends (failed or timed out) gets SIGTERM, on which it stops
// what it started, then SIGKILL.
const loadRuns = new ChildProcesses('npm run load');
afterEach(() => loadRuns.stopAll(60_000), 90_000);

function runLoadScript(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = loadRuns.start(() =>
      spawn(process.execPath, ['--import', 'tsx', 'scripts/load.ts', ...args], {
        env: { ...process.env, LOAD_KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const resultSchema = z.object({ requests: z.number().int(), httpErrors: z.number().int(), socketClients: z.number().int(), socketErrors: z.number().int(), updates: z.number().int() });

describe('npm run load -- --quick', () => {
  it('refuses a bad flag with one line naming it and the usage', async () => {
    const r = await runLoadScript(['--clients', 'many']);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/^error: --clients must be a whole number\nusage: npm run load/);
  });

  it('holds 100 Socket.IO clients under HTTP load with no error and prints the figures', async () => {
    const r = await runLoadScript(['--quick']);
    expect(r.code, r.output).toBe(0);
    for (const endpoint of ['GET /', 'GET /users', 'GET /api/users', 'GET /api/pipeline', 'GET /users/<id>', 'GET /api/users/<id>/daily']) {
      expect(r.output, endpoint).toMatch(new RegExp(`^${endpoint.replace(/[/<>]/g, '\\$&')}\\s+\\d+\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+\\s+0$`, 'm'));
    }
    expect(r.output).toMatch(/socket\.io: 100 clients, 100 connected at the end, connect p50 [\d.]+ ms p99 [\d.]+ ms/);
    expect(r.output).toMatch(/machine: \d+ cores/);
    const line = /^result: (.*)$/m.exec(r.output)?.[1];
    const result = resultSchema.parse(JSON.parse(line ?? 'null'));
    expect(result).toMatchObject({ httpErrors: 0, socketErrors: 0, socketClients: 100 });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.updates).toBeGreaterThan(0);
    expect(r.output).toContain('load: OK, no errors');
  }, 240_000);
});
