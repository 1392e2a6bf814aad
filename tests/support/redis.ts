/**
 * Helpers for the Redis sink's tests, against a real Redis: a key prefix of the test's own on the
 * machine's Redis, reading the sink's figures back (shaped as PostgreSQL's, to compare with
 * readDailyTotals and the ground truth), and a redis-server of the test's own (AOF on, fsync on
 * every write) that a test can SIGKILL and start again on the same port and data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { waitFor } from '@/lib/wait';
import { freePort } from '@/tooling/process/web-server';
import { TYPE_FIELD_PREFIX } from '@/lib/redis/keys';
import { ChildProcesses } from './child-processes';
import type { DayTotals } from './pipeline';

export const uniquePrefix = () => `it:${randomUUID().slice(0, 8)}:`;

/** A plain client for the test itself (queues commands while connecting, unlike the sink's). */
export function testRedis(url = 'redis://127.0.0.1:6379'): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 100, 1000) });
  redis.on('error', () => {}); // a test's Redis that is down on purpose: its commands fail, which the test checks
  return redis;
}

/** Every key under the prefix (SCAN, never KEYS). */
export async function keysUnder(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

export async function deleteUnder(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, `${prefix}*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}

/** The sink's per-user-day hashes, keyed `userId|day` like readDailyTotals. */
export async function readRedisDailyTotals(redis: Redis, prefix: string): Promise<Map<string, DayTotals>> {
  const keys = (await keysUnder(redis, `${prefix}user:*`)).filter((k) => /:day:\d{4}-\d{2}-\d{2}$/.test(k));
  const pipeline = redis.pipeline();
  for (const k of keys) pipeline.hgetall(k);
  const replies = (await pipeline.exec()) ?? [];
  const out = new Map<string, DayTotals>();
  keys.forEach((k, i) => {
    const h = (replies[i]?.[1] ?? {}) as Record<string, string>;
    const rest = k.slice(`${prefix}user:`.length);
    const at = rest.lastIndexOf(':day:');
    const eventCounts: Record<string, number> = {};
    for (const [f, v] of Object.entries(h)) if (f.startsWith(TYPE_FIELD_PREFIX)) eventCounts[f.slice(TYPE_FIELD_PREFIX.length)] = Number(v);
    out.set(`${rest.slice(0, at)}|${rest.slice(at + 5)}`, {
      eventCount: Number(h.events),
      timeSpentSeconds: Number(h.timeSpentSeconds),
      clicks: Number(h.clicks),
      pageViews: Number(h.pageViews),
      firstEventAt: new Date(Number(h.firstEventMs)).toISOString(),
      lastEventAt: new Date(Number(h.lastEventMs)).toISOString(),
      eventCounts,
    });
  });
  return out;
}

/** The sink's per-user-minute hashes, keyed `userId|ISO` → [events, seconds]. */
export async function readRedisMinutes(redis: Redis, prefix: string): Promise<Map<string, [number, number]>> {
  const keys = (await keysUnder(redis, `${prefix}user:*`)).filter((k) => /:minute:\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(k));
  const pipeline = redis.pipeline();
  for (const k of keys) pipeline.hgetall(k);
  const replies = (await pipeline.exec()) ?? [];
  const out = new Map<string, [number, number]>();
  keys.forEach((k, i) => {
    const h = (replies[i]?.[1] ?? {}) as Record<string, string>;
    const rest = k.slice(`${prefix}user:`.length);
    const at = rest.lastIndexOf(':minute:');
    out.set(`${rest.slice(0, at)}|${rest.slice(at + 8)}`, [Number(h.events), Number(h.timeSpentSeconds)]);
  });
  return out;
}

/** The sink's stored positions of a topic: Σ next offsets and the counters. */
export async function redisCommitted(redis: Redis, prefix: string, topic: string): Promise<{ next: number; processed: number; late: number; invalid: number; partitions: number }> {
  const keys = (await keysUnder(redis, `${prefix}pos:${topic}:*`)).filter((k) => /:\d+$/.test(k));
  const sum = { next: 0, processed: 0, late: 0, invalid: 0, partitions: keys.length };
  for (const k of keys) {
    const h = await redis.hgetall(k);
    sum.next += Number(h.nextOffset ?? 0);
    sum.processed += Number(h.processed ?? 0);
    sum.late += Number(h.late ?? 0);
    sum.invalid += Number(h.invalid ?? 0);
  }
  return sum;
}

export async function waitForRedisCommitted(redis: Redis, prefix: string, topic: string, total: number, timeoutMs = 120_000): Promise<void> {
  let seen = 0;
  const ok = await waitFor(async () => {
    seen = (await redisCommitted(redis, prefix, topic).catch(() => ({ next: -1 }))).next;
    return seen >= total;
  }, timeoutMs, 200);
  if (!ok) throw new Error(`Redis sink: only ${seen} of ${total} messages committed after ${timeoutMs} ms`);
}

const servers = new ChildProcesses('a redis-server (startOwnRedis)');
afterAll(() => servers.close("this test file's tests are over"), 30_000);

/**
 * A redis-server of the test's own on a free port, its data in a temporary folder with the
 * append-only file fsynced on every write, so a SIGKILL loses nothing it acknowledged, as a
 * production Redis that keeps its data would. `kill` SIGKILLs it; `start` starts it again on the
 * same port and data.
 */
export async function startOwnRedis(): Promise<{ url: string; port: number; kill(): Promise<void>; start(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = servers.start(() =>
      spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: 'ignore' }),
    );
    const probe = testRedis(`redis://127.0.0.1:${port}`);
    try {
      const up = await waitFor(async () => (await probe.ping().catch(() => '')) === 'PONG', 15_000, 100);
      if (!up) throw new Error(`redis-server on port ${port} did not answer`);
    } finally {
      probe.disconnect();
    }
  };
  const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())));
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    async kill() {
      const c = child;
      if (!c) return;
      c.kill('SIGKILL');
      await exited(c);
    },
    async stop() {
      const c = child;
      if (c && c.exitCode === null && c.signalCode === null) {
        c.kill('SIGKILL');
        await exited(c);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
