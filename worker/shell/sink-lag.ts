/**
 * How far a further sink (Redis) is behind the topic: each partition's end (Kafka's high
 * watermark) minus the next offset that sink has stored, summed. Sampled now and then, and read
 * from the sink itself, so it covers every partition whichever worker counts it. While the sink
 * cannot be read (Redis down) the last offsets read stand in: stored offsets only move forward
 * while it is down, so the lag shown then is what it is at least, and it grows as events arrive.
 */
import type { Logger } from '@/lib/log';
import type { PartitionLog } from '@/worker/core/positions';
import type { PartitionLogReader } from './partition-log';

/** Σ (end − stored next offset); a partition with nothing stored is behind by everything still in the log. */
export function sinkLag(logs: ReadonlyMap<number, PartitionLog>, stored: ReadonlyMap<number, bigint | null>): number {
  let lag = 0n;
  for (const [partition, log] of logs) {
    const next = stored.get(partition) ?? log.logStart;
    if (log.logEnd > next) lag += log.logEnd - next;
  }
  return Number(lag);
}

export interface SinkLagDeps {
  topic: string;
  logs: PartitionLogReader;
  /** The sink's stored next offsets of these partitions (null: none stored). */
  readNextOffsets: (topic: string, partitions: number[]) => Promise<(bigint | null)[]>;
  onLag: (lag: number | null) => void;
  log: Logger;
  everyMs: number;
}

export function startSinkLagSampler(d: SinkLagDeps): { stop(): void; sample(): Promise<void> } {
  let known: Map<number, bigint | null> | undefined;
  let busy = false;
  async function sample(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      const logs = await d.logs.read(d.topic);
      const partitions = [...logs.keys()];
      try {
        const offsets = await d.readNextOffsets(d.topic, partitions);
        known = new Map(partitions.map((p, i) => [p, offsets[i] ?? null]));
      } catch (err) {
        d.log.debug({ err: (err as Error).message }, 'could not read the sink positions for its lag; using the last ones read');
      }
      d.onLag(known === undefined ? null : sinkLag(logs, known));
    } catch (err) {
      d.log.debug({ err: (err as Error).message }, "could not read the topic's offsets for the sink lag");
    } finally {
      busy = false;
    }
  }
  const timer = setInterval(() => void sample(), d.everyMs);
  timer.unref();
  void sample();
  return { stop: () => clearInterval(timer), sample };
}
