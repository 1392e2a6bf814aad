/**
 * The worker's own CPU per event, without Kafka or PostgreSQL: the bench's pre-filled events
 * (bench/support/prefill.ts: the same sequence), as kafkajs hands them over, through routeChunk
 * (decode, lateness, watermark, aggregates, sessions, session figure changes) in chunks of one
 * partition's messages, each chunk starting from the state the previous one left, as a catching-up
 * worker runs them. Same sitting, CPU-µs per event for the decode alone and for the whole route.
 * Usage: npx tsx bench/route-chunk.ts [events] [chunk size] [users] [partitions]
 * (default 1,000,000 40,000 10,000 6, as `npm run bench`).
 */
import type { KafkaMessage } from 'kafkajs';
import { z } from 'zod';
import { decodeMessage, routeChunk, routeSettingsOf, type ChunkStart } from '@/worker/shell/route-chunk';
import { createSessionState } from '@/worker/core/sessions';
import { configSchema } from '@/lib/config';
import { partitionFor, prefillSequence } from './support/prefill';
import { cpuMicrosOf } from './support/proc';

const whole = (max: number) => z.coerce.number().int().min(1).max(max);
const [events, chunkSize, users, partitions] = z
  .tuple([whole(10_000_000), whole(1_000_000), whole(10_000_000), whole(1_000)])
  .parse([process.argv[2] ?? 1_000_000, process.argv[3] ?? 40_000, process.argv[4] ?? 10_000, process.argv[5] ?? 6]);
const settings = routeSettingsOf(configSchema.parse({}));
/** Each partition's messages (kafkajs's default partitioner, as the producer), with offsets and record timestamps as Kafka gives them. */
const byPartition: KafkaMessage[][] = Array.from({ length: partitions }, () => []);
const partitionOf = partitionFor(partitions);
for (const m of prefillSequence(events, users).take(events)) {
  const value = Buffer.from(m.value);
  const log = byPartition[partitionOf(m.key)] as KafkaMessage[];
  const timestamp = String(Date.parse(m.event?.timestamp ?? '') || Date.now());
  log.push({ key: Buffer.from(m.key), value, offset: String(log.length), timestamp, attributes: 0, headers: {} });
}

for (let pass = 1; pass <= 3; pass++) {
  const decode = cpuMicrosOf(() => {
    for (const log of byPartition) for (const m of log) decodeMessage(m, settings.maxFutureMs);
  });
  let counted = 0;
  const route = cpuMicrosOf(() => {
    for (const log of byPartition) {
      let from: ChunkStart = { watermarkMs: null, sessions: createSessionState() };
      for (let i = 0; i < log.length; i += chunkSize) {
        const r = routeChunk(log.slice(i, i + chunkSize), from, settings);
        counted += r.counted;
        from = { watermarkMs: r.watermarkMs, sessions: r.sessions.state };
      }
    }
  });
  console.log(`pass ${pass}: decode ${(decode / events).toFixed(2)}, whole route ${(route / events).toFixed(2)} CPU-µs per event (${counted.toLocaleString('en-US')} of ${events.toLocaleString('en-US')} counted; ${partitions} partitions, chunks of ${chunkSize.toLocaleString('en-US')}, ${users.toLocaleString('en-US')} users)`);
}
