/**
 * Events per second as the worker commits them: samples the group's committed `processed` total
 * (partition_state) every 2 s and keeps 30 s of samples; the rate is the growth over the last ~10 s.
 * Minute windows alone cannot give this (the current minute is partial), so the overview uses this
 * when it has two samples and falls back to the minute windows otherwise.
 */
export interface RateSampler {
  /** Events per second over the last ~10 s; undefined until two samples exist. */
  rate(): number | undefined;
  close(): void;
}

export function createRateSampler(readTotal: () => Promise<number>, periodMs = 2000, spanMs = 10_000): RateSampler {
  const samples: { at: number; total: number }[] = [];
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      const total = await readTotal();
      const at = Date.now();
      samples.push({ at, total });
      while (samples.length > 0 && (samples[0]?.at ?? at) < at - 30_000) samples.shift();
    } catch {
      // Database unreachable: keep the older samples; the rate goes stale rather than wrong.
    } finally {
      busy = false;
    }
  };
  void sample();
  const timer = setInterval(() => void sample(), periodMs);
  timer.unref();
  return {
    rate() {
      const last = samples.at(-1);
      if (!last || Date.now() - last.at > 3 * periodMs) return undefined;
      const base = samples.find((s) => s.at >= last.at - spanMs - periodMs / 2) ?? samples[0];
      if (!base || base === last) return undefined;
      return Math.max(0, (last.total - base.total) / ((last.at - base.at) / 1000));
    },
    close: () => clearInterval(timer),
  };
}
