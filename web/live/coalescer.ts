/**
 * Runs `flush` at most once per `intervalMs`: the first request after a quiet period flushes at
 * once (next tick), later ones within the interval are merged into one flush at its end. A flush
 * never overlaps the previous one. This keeps pushes within ~interval + query time of a commit while
 * bounding database load under bursts of commits.
 */
export interface Coalescer {
  request(): void;
  close(): void;
}

export function createCoalescer(flush: () => Promise<void>, intervalMs: number, onError: (err: unknown) => void): Coalescer {
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let pending = false;
  let closed = false;

  const schedule = () => {
    if (closed || timer || running) return;
    const wait = Math.max(0, last + intervalMs - Date.now());
    timer = setTimeout(() => void run(), wait);
  };

  async function run(): Promise<void> {
    timer = undefined;
    if (closed) return;
    pending = false;
    running = true;
    last = Date.now();
    try {
      await flush();
    } catch (err) {
      onError(err);
    } finally {
      running = false;
      if (pending) schedule();
    }
  }

  return {
    request() {
      pending = true;
      schedule();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
