/**
 * One idempotent shutdown for SIGINT, SIGTERM and fatal errors: the first call runs the cleanup,
 * later calls (a second Ctrl-C, a signal during a fatal error) wait for the same promise.
 *
 * With a deadline the cleanup is the last thing the process does: when it ends the process exits
 * (0, or 1 after an error), and when it has not ended by the deadline the process logs what it is
 * still waiting for (the steps named with `stopStep`/`stopWithin`) and exits 1.
 */

export interface ShutdownOptions {
  log?: (line: string) => void;
  /** Errors and the deadline's message; defaults to `log`. */
  error?: (line: string) => void;
  /** Milliseconds the cleanup may take; then the process exits 1. When set, the process also exits as soon as the cleanup ends. */
  deadlineMs?: number;
}

const pending = new Map<symbol, string>();

/** Names a step of the cleanup while it is pending, for the deadline's message. */
export function stopStep<T>(what: string, step: Promise<T>): Promise<T> {
  const token = Symbol(what);
  pending.set(token, what);
  return step.finally(() => pending.delete(token));
}

/** The steps still pending, outermost first. */
export function stillWaitingFor(): string[] {
  return [...pending.values()];
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/** A named stop that gives up after `ms`: rejects with "<what> did not stop within N s" (the stop itself is left running). */
export function stopWithin<T>(what: string, ms: number, stop: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not stop within ${seconds(ms)}`)), ms);
  });
  return stopStep(what, Promise.race([stop, limit]).finally(() => clearTimeout(timer)));
}

export function onShutdown(cleanup: (reason: string) => Promise<void>, options: ShutdownOptions | ((line: string) => void) = {}): (reason: string) => Promise<void> {
  const { log = () => {}, error = log, deadlineMs } = typeof options === 'function' ? { log: options } : options;
  let running: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    running ??= (async () => {
      log(`shutting down (${reason})`);
      const deadline = deadlineMs === undefined ? undefined : setTimeout(() => {
        const waiting = stillWaitingFor();
        error(`shutdown did not finish within ${seconds(deadlineMs)}; still waiting for ${waiting.length > 0 ? waiting.join(', ') : 'the cleanup'}; exiting`);
        process.exit(1);
      }, deadlineMs);
      try {
        await cleanup(reason);
      } catch (err) {
        error(`error during shutdown: ${(err as Error).message}`);
        process.exitCode = 1;
      }
      if (deadline !== undefined) {
        clearTimeout(deadline);
        // Whatever the cleanup gave up on (a client still retrying) must not keep the process alive.
        process.exit();
      }
    })();
    return running;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void shutdown(signal));
  }
  return shutdown;
}
