/**
 * Retrying a step that must eventually succeed (a database transaction during a PostgreSQL
 * restart, a dead-letter send during a broker restart) without giving up on the batch: the batch's
 * events must not be skipped, and the consumer must not crash-loop. Keeps the group membership
 * alive with heartbeats while waiting, and stops when the worker is stopping.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../lib/log';

export class StoppedError extends Error {
  override readonly name = 'StoppedError';
}

export interface RetryContext {
  isRunning: () => boolean;
  heartbeat: () => Promise<void>;
  log: Logger;
}

export async function retryUntilDone<T>(what: string, ctx: RetryContext, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await fn();
      if (attempt > 1) ctx.log.info({ attempt }, `${what} succeeded after retrying`);
      return result;
    } catch (err) {
      if (!ctx.isRunning()) throw new StoppedError(`${what} abandoned: the worker is stopping`);
      const delay = Math.min(5_000, 200 * 2 ** Math.min(attempt - 1, 5));
      ctx.log.warn({ err: (err as Error).message, attempt, retryInMs: delay }, `${what} failed; retrying`);
      await sleep(delay);
      await ctx.heartbeat().catch(() => {});
    }
  }
}
