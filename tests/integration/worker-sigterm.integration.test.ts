/**
 * A worker stops within 10 s of SIGTERM, broker reachable or not: (a) its broker (one of this
 * test's own, 127.0.0.1:19392, data under DATA_DIR) SIGKILLed after the worker joined its group,
 * (b) nothing listening at KAFKA_BROKERS from the start (the worker is still waiting for
 * services), (c) the broker up, where the worker leaves its group and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { config } from '@/lib/config';
import { killBroker, startBroker, type BrokerOptions } from '@/tooling/infra/kafka-broker';
import { isAlive, waitFor } from '@/lib/wait';
import { createKafka } from '@/lib/kafka/client';
import { configFor, deleteTopics, freshDatabase, pipelineEnv } from '@/tests/support/pipeline';

const STOP_WITHIN_MS = 10_000;
const BROKER_PORT = 19392;
const NOTHING_LISTENS = '127.0.0.1:19394';
const dataDir = path.resolve(process.env.DATA_DIR ?? '.data/test', `sigterm-${process.pid}`);
const broker: BrokerOptions = { version: config().KAFKA_VERSION, host: '127.0.0.1', port: BROKER_PORT, controllerPort: BROKER_PORT + 1, dataDir, log: () => undefined };

interface RunningWorker {
  child: ChildProcess;
  /** stdout (pino lines) and stderr so far. */
  output: () => string;
  /** Resolves with the exit code (null after a signal) and the milliseconds since `since`. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const workers: ChildProcess[] = [];
let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;

/** `node --import tsx worker/main.ts`, like spawnWorker, but keeping its log lines for the assertions. */
function startWorker(env: Record<string, string>): RunningWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(child);
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  return { child, output: () => output, exited };
}

/** Sends SIGTERM and waits (a little past the limit) for the exit; returns how long it took. */
async function terminate(w: RunningWorker): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const sent = Date.now();
  w.child.kill('SIGTERM');
  const timeout = sleep(STOP_WITHIN_MS + 5_000).then(() => ({ code: null, signal: null, at: Infinity }));
  const { code, signal, at } = await Promise.race([w.exited, timeout]);
  return { code, signal, ms: at - sent };
}

/** True once the group is stable with exactly one member (the worker has joined). */
async function joined(kafka: Kafka, groupId: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.state === 'Stable' && groups[0].members.length === 1;
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  database = await freshDatabase();
});

afterEach(() => {
  for (const w of workers.splice(0)) {
    if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  }
});

afterAll(async () => {
  try {
    const pid = killBroker(dataDir);
    if (pid !== undefined) await waitFor(() => Promise.resolve(!isAlive(pid)), 10_000, 50);
    fs.rmSync(dataDir, { recursive: true, force: true });
  } finally {
    await database?.drop();
  }
});

describe('a worker and SIGTERM', () => {
  it('(c) with the broker up, leaves its group and exits 0 within 10 s', async () => {
    const env = pipelineEnv(database?.url ?? '', { EVENTS_PARTITIONS: '2' });
    const cfg = configFor(env);
    const kafka = createKafka(cfg, 'it-sigterm-up');
    try {
      const w = startWorker(env);
      expect(await waitFor(() => joined(kafka, cfg.WORKER_GROUP_ID), 60_000, 250), `the worker joined its group:\n${w.output()}`).toBe(true);
      const { code, ms } = await terminate(w);
      expect(ms, `exit after SIGTERM:\n${w.output()}`).toBeLessThan(STOP_WITHIN_MS);
      expect(code, w.output()).toBe(0);
      expect(w.output()).toContain('worker stopped');
      // It left the group on its way out instead of waiting for the session timeout.
      const admin = kafka.admin();
      await admin.connect();
      const { groups } = await admin.describeGroups([cfg.WORKER_GROUP_ID]);
      await admin.disconnect();
      expect(groups[0]?.members).toEqual([]);
      process.stdout.write(`(c) broker up: exit ${code} ${ms} ms after SIGTERM\n`);
    } finally {
      await deleteTopics(kafka, cfg);
    }
  });

  it('(a) with its broker SIGKILLed after it joined, exits within 10 s and says what did not stop', async () => {
    await startBroker(broker);
    const env = pipelineEnv(database?.url ?? '', { KAFKA_BROKERS: `127.0.0.1:${BROKER_PORT}`, EVENTS_PARTITIONS: '2' });
    const cfg = configFor(env);
    const kafka = createKafka(cfg, 'it-sigterm-outage');
    const w = startWorker(env);
    expect(await waitFor(() => joined(kafka, cfg.WORKER_GROUP_ID), 90_000, 250), `the worker joined its group:\n${w.output()}`).toBe(true);

    const pid = killBroker(dataDir);
    expect(pid).toBeDefined();
    expect(await waitFor(() => Promise.resolve(!isAlive(pid ?? 0)), 10_000, 50)).toBe(true);
    // Let the worker notice: its fetches fail and kafkajs starts retrying.
    await sleep(3_000);
    expect(w.child.exitCode, w.output()).toBeNull();

    const { code, ms } = await terminate(w);
    expect(ms, `exit after SIGTERM:\n${w.output()}`).toBeLessThan(STOP_WITHIN_MS);
    // Not a clean stop: it could not leave the group, and says so.
    expect(code, w.output()).toBe(1);
    expect(w.output()).toMatch(/Kafka consumer .*did not stop within/);
    process.stdout.write(`(a) broker killed: exit ${code} ${ms} ms after SIGTERM\n`);
  });

  it('(b) with nothing listening at KAFKA_BROKERS from the start, exits 0 within 10 s', async () => {
    const env = pipelineEnv(database?.url ?? '', { KAFKA_BROKERS: NOTHING_LISTENS });
    const w = startWorker(env);
    // It is waiting for Kafka (and says so) when the signal comes.
    expect(await waitFor(() => Promise.resolve(/waiting for Kafka at 127\.0\.0\.1:19394/.test(w.output())), 30_000, 100), w.output()).toBe(true);
    await sleep(2_500);
    expect(w.child.exitCode, w.output()).toBeNull();

    const { code, ms } = await terminate(w);
    expect(ms, `exit after SIGTERM:\n${w.output()}`).toBeLessThan(STOP_WITHIN_MS);
    expect(code, w.output()).toBe(0);
    process.stdout.write(`(b) no broker: exit ${code} ${ms} ms after SIGTERM\n`);
  });
});
