/**
 * Redis for the demo: whether one answers at a URL (a PING), and a local redis-server started in
 * its own process group when none does, its data (append-only file) under DATA_DIR so the Redis
 * sink's counters and positions survive a restart of the demo together.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from '@/lib/wait';
import { stopChild, type Child } from '@/tooling/process/children';

/** Resolves true when a Redis at `url` answers PING within `timeoutMs`. */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => {}); // the answer is the boolean
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Whether a redis-server binary is on the PATH. */
export function redisServerInstalled(): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, 'redis-server')));
}

/** Starts redis-server on the URL's host and port (a local address), waits until it answers; stop() ends it. */
export async function startLocalRedis(url: string, dataDir: string, logDir: string): Promise<{ stop(): Promise<void> }> {
  const u = new URL(url);
  const port = u.port === '' ? '6379' : u.port;
  const dir = path.resolve(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'redis.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn('redis-server', ['--port', port, '--bind', u.hostname, '--dir', dir, '--save', '', '--appendonly', 'yes'], { detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const c: Child = { name: 'redis', process: child, logFile, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  const up = await waitFor(() => redisAnswers(url, 500), 15_000, 250);
  if (!up) {
    await stopChild(c, 5_000);
    throw new Error(`redis-server did not answer on ${u.hostname}:${port}; see ${logFile}`);
  }
  return { stop: () => stopChild(c, 10_000) };
}
