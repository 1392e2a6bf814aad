/** The worker's Prometheus metrics (prom-client), on its own registry. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'clickstream_worker_' });
  const metrics = {
    registry,
    batchSize: new Histogram({
      name: 'clickstream_worker_batch_size',
      help: 'Messages per committed batch',
      buckets: [1, 10, 100, 500, 1000, 2000, 5000, 10000],
      registers: [registry],
    }),
    batchDuration: new Histogram({
      name: 'clickstream_worker_batch_duration_seconds',
      help: 'Time from receiving a batch to its commit',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    events: new Counter({
      name: 'clickstream_worker_events_total',
      help: 'Messages handled, by outcome: counted, invalid (dead-lettered) or late',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    eventsPerSecond: new Gauge({
      name: 'clickstream_worker_events_per_second',
      help: 'Messages committed per second over the last 10 seconds',
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'clickstream_worker_lag',
      help: 'Messages behind the partition end after the last batch',
      labelNames: ['partition'] as const,
      registers: [registry],
    }),
    expired: new Counter({
      name: 'clickstream_worker_expired_total',
      help: 'Offsets removed by retention before the worker read them, by partition',
      labelNames: ['partition'] as const,
      registers: [registry],
    }),
    refused: new Gauge({
      name: 'clickstream_worker_partition_refused',
      help: '1 while the worker refuses a partition whose stored position belongs to another cluster or topic incarnation',
      labelNames: ['topic', 'partition'] as const,
      registers: [registry],
    }),
    sinkLag: new Gauge({
      name: 'clickstream_worker_sink_lag',
      help: "Messages a further sink (SINKS, e.g. redis) is behind the topic's end: partition ends minus that sink's stored next offsets, summed over the topic (every worker reports the whole topic: take the max, not the sum)",
      labelNames: ['sink'] as const,
      registers: [registry],
    }),
    lastCommit: new Gauge({
      name: 'clickstream_worker_last_commit_timestamp_seconds',
      help: 'Unix time of the last committed batch',
      registers: [registry],
    }),
  };
  return metrics;
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** What one committed chunk did, for the metrics. */
export interface CommittedChunk {
  messages: number;
  /** From receiving the chunk to its commit. */
  seconds: number;
  counted: number;
  invalid: number;
  late: number;
}

/** Records a committed chunk: its size, duration, outcomes, and the time of the last commit. */
export function recordCommittedChunk(m: WorkerMetrics, c: CommittedChunk, nowMs = Date.now()): void {
  m.batchSize.observe(c.messages);
  m.batchDuration.observe(c.seconds);
  m.events.inc({ outcome: 'counted' }, c.counted);
  m.events.inc({ outcome: 'invalid' }, c.invalid);
  m.events.inc({ outcome: 'late' }, c.late);
  m.lastCommit.set(nowMs / 1000);
}

/** Records how far a partition is behind its end after a commit. */
export function recordLag(m: WorkerMetrics, partition: number, highWatermark: bigint, nextOffset: bigint): void {
  m.lag.set({ partition: String(partition) }, Math.max(0, Number(highWatermark - nextOffset)));
}

/** Messages per second over a sliding window, for the gauge and the health check. */
export class RateMeter {
  private readonly samples: { at: number; n: number }[] = [];
  constructor(private readonly windowMs = 10_000) {}

  add(n: number, now = Date.now()): void {
    this.samples.push({ at: now, n });
    this.trim(now);
  }

  rate(now = Date.now()): number {
    this.trim(now);
    const total = this.samples.reduce((s, x) => s + x.n, 0);
    return total / (this.windowMs / 1000);
  }

  private trim(now: number): void {
    while (this.samples.length > 0 && (this.samples[0]?.at ?? now) < now - this.windowMs) this.samples.shift();
  }
}
