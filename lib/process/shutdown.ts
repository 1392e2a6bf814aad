/**
 * One idempotent shutdown for SIGINT, SIGTERM and fatal errors: the first call runs the cleanup,
 * later calls (a second Ctrl-C, a signal during a fatal error) wait for the same promise.
 */
export function onShutdown(cleanup: (reason: string) => Promise<void>, log: (line: string) => void = () => {}): (reason: string) => Promise<void> {
  let running: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    running ??= (async () => {
      log(`shutting down (${reason})`);
      try {
        await cleanup(reason);
      } catch (err) {
        log(`error during shutdown: ${(err as Error).message}`);
        process.exitCode = 1;
      }
    })();
    return running;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void shutdown(signal));
  }
  return shutdown;
}
