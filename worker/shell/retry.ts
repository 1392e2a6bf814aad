/**
 * Retrying a step that must eventually succeed (a database transaction during a PostgreSQL
 * restart, a dead-letter send during a broker restart) without giving up on the batch: the batch's
 * events must not be skipped, and the consumer must not crash-loop. Keeps the group membership
 * alive with heartbeats while waiting, and stops when the worker is stopping. An error that no
 * retry can cure (isPermanent) is thrown at once, for the caller to handle; one that keeps
 * failing is reported (onRetrying), so health shows it while it lasts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@/lib/log';

/** How often a retry's wait looks whether the worker is stopping. */
const WAKE_MS = 250;

export class StoppedError extends Error {
  override readonly name = 'StoppedError';
}

export interface RetryContext {
  isRunning: () => boolean;
  heartbeat: () => Promise<void>;
  log: Logger;
  /** Errors to throw at once rather than retry. */
  isPermanent?: (err: unknown) => boolean;
  /** Told after each failed attempt, and with attempt 0 once the step succeeds after failing. */
  onRetrying?: (what: string, attempt: number, err: Error | null) => void;
}

export async function retryUntilDone<T>(what: string, ctx: RetryContext, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await fn();
      if (attempt > 1) {
        ctx.log.info({ attempt }, `${what} succeeded after retrying`);
        ctx.onRetrying?.(what, 0, null);
      }
      return result;
    } catch (err) {
      if (ctx.isPermanent?.(err)) {
        if (attempt > 1) ctx.onRetrying?.(what, 0, null); // no longer retrying: the caller handles it
        throw err;
      }
      if (!ctx.isRunning()) throw new StoppedError(`${what} abandoned: the worker is stopping`);
      const delay = Math.min(10_000, 200 * 2 ** Math.min(attempt - 1, 6));
      const error = err instanceof Error ? err : new Error(String(err));
      (attempt >= 5 ? ctx.log.error : ctx.log.warn).call(ctx.log, { err: error.message, attempt, retryInMs: delay }, `${what} failed; retrying`);
      ctx.onRetrying?.(what, attempt, error);
      // Waits in short steps, so a worker stopping while a sink is down (Redis, for minutes) stops
      // within its deadline instead of sleeping out a 10 s delay first.
      const until = Date.now() + delay;
      while (ctx.isRunning() && Date.now() < until) await sleep(Math.min(WAKE_MS, until - Date.now()));
      if (!ctx.isRunning()) throw new StoppedError(`${what} abandoned: the worker is stopping`);
      await ctx.heartbeat().catch(() => {});
    }
  }
}
