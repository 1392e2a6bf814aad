/**
 * A small closed-loop HTTP load generator: `connections` loops, each sending its next request as
 * soon as the previous answer's body has been read, for `seconds`. Latency is time to the full
 * body. Run in this process with fetch (keep-alive); on 2 cores it competes with the server for
 * CPU, which the figures say.
 */
import { summarize, type LatencySummary } from './stats';

export interface LoadResult extends LatencySummary {
  requestsPerSecond: number;
  errors: number;
  statuses: Record<string, number>;
  bytesPerResponse: number;
}

export async function runLoad(o: { url: (i: number) => string; connections: number; seconds: number; warmupSeconds: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let bytes = 0;
  let counter = 0;
  const phase = async (seconds: number, record: boolean) => {
    const until = performance.now() + seconds * 1000;
    const loop = async () => {
      while (performance.now() < until) {
        const url = o.url(counter++);
        const t0 = performance.now();
        try {
          const r = await fetch(url, { signal: AbortSignal.timeout(30_000) });
          const body = await r.arrayBuffer();
          const ms = performance.now() - t0;
          if (!record) continue;
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (r.ok) {
            latencies.push(ms);
            bytes += body.byteLength;
          } else errors++;
        } catch {
          if (record) errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: o.connections }, loop));
  };
  await phase(o.warmupSeconds, false);
  const t0 = performance.now();
  await phase(o.seconds, true);
  const elapsed = (performance.now() - t0) / 1000;
  return {
    ...summarize(latencies),
    requestsPerSecond: Math.round((latencies.length / elapsed) * 10) / 10,
    errors,
    statuses,
    bytesPerResponse: latencies.length ? Math.round(bytes / latencies.length) : 0,
  };
}
