/**
 * Smoke test of `npm run bench -- --quick`: against the broker and database the test runner
 * provides (--use-running), every scenario runs and reports numbers, and the JSON report describes
 * the machine. How fast anything is, is not checked here (that is the benchmark's job).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChildProcesses } from '@/tests/support/child-processes';

const figureSchema = z.object({ key: z.string(), label: z.string(), value: z.union([z.number(), z.string(), z.null()]), unit: z.string() });
const machineSchema = z.object({ cores: z.number().int().positive(), memoryGiB: z.number().positive(), node: z.string().min(1), kafkaVersion: z.string().min(1) });
const reportSchema = z.object({
  mode: z.literal('quick'),
  machine: machineSchema,
  scenarios: z.array(
    z.object({ name: z.string(), status: z.enum(['ok', 'failed']), error: z.string().optional(), machine: machineSchema, figures: z.array(figureSchema) }),
  ),
});

// A bench still running when its test ends (failed or timed out) gets SIGTERM, on which it stops
// the workers and web servers it started, then SIGKILL.
const benches = new ChildProcesses('npm run bench');
afterEach(() => benches.stopAll(60_000), 90_000);

function runBench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = benches.start(() => spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-100_000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-100_000)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run bench -- --quick', () => {
  it('rejects a bad flag with one line and the usage', async () => {
    const r = await runBench(['--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/^error: .*no-such-flag.*\nusage: npm run bench/);
  });

  it('runs every scenario against the running stack and reports numbers', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-quick-')), 'report.json');
    const r = await runBench(['--quick', '--use-running', '--out', out]);
    expect(r.code, r.output).toBe(0);
    const report = reportSchema.parse(JSON.parse(fs.readFileSync(out, 'utf8')));
    expect(report.scenarios.map((s) => s.name)).toEqual(['simulator', 'raw-consume', 'worker-throughput', 'api-latency', 'end-to-end-latency']);
    for (const s of report.scenarios) {
      expect(s.status, `${s.name}: ${s.error ?? ''}`).toBe('ok');
      const numbers = s.figures.filter((f) => typeof f.value === 'number');
      expect(numbers.length, s.name).toBeGreaterThan(0);
      for (const f of numbers) expect(Number.isFinite(f.value), `${s.name} ${f.key}`).toBe(true);
    }
    const byKey = (name: string, key: string) => report.scenarios.find((s) => s.name === name)?.figures.find((f) => f.key === key)?.value;
    expect(byKey('simulator', 'maxEventsPerSecond')).toBeGreaterThan(0);
    expect(byKey('raw-consume', 'eventsPerSecond')).toBeGreaterThan(0);
    expect(byKey('worker-throughput', 'oneWorkerEventsPerSecond')).toBeGreaterThan(0);
    expect(byKey('worker-throughput', 'twoWorkersEventsPerSecond')).toBeGreaterThan(0);
    expect(byKey('api-latency', 'dailyP50Ms')).toBeGreaterThan(0);
    expect(byKey('end-to-end-latency', 'committedP99_2000')).toBeGreaterThan(0);
    expect(byKey('end-to-end-latency', 'socketP99_10000')).toBeGreaterThan(0);
    // The output ends with the table, which names the machine.
    expect(r.output).toMatch(/machine: \d+ cores/);
  }, 240_000);
});
