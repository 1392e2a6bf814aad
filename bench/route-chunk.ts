/**
 * The worker's own CPU per event, without Kafka or PostgreSQL: simulator messages (as kafkajs hands
 * them over) through routeChunk (decode, lateness, watermark, aggregates, sessions, session figure
 * changes) in chunks, each starting from the state the previous one left, as a catching-up worker
 * runs them. Same sitting, CPU-µs per event for the decode alone and for the whole route, and the
 * share of that spent collecting garbage is in --cpu-prof. Usage:
 * npx tsx bench/route-chunk.ts [events] [chunk size] [users]  (default 400,000 40,000 10,000)
 */
import type { KafkaMessage } from 'kafkajs';
import { z } from 'zod';
import { decodeMessage, routeChunk, type ChunkStart } from '@/worker/shell/route-chunk';
import { createSessionState } from '@/worker/core/sessions';
import { configSchema } from '@/lib/config';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';

const [events, chunkSize, users] = z
  .tuple([z.coerce.number().int().min(1_000).max(10_000_000), z.coerce.number().int().min(1).max(1_000_000), z.coerce.number().int().min(1).max(10_000_000)])
  .parse([process.argv[2] ?? 400_000, process.argv[3] ?? 40_000, process.argv[4] ?? 10_000]);
const cfg = configSchema.parse({});
const settings = {
  windowSizeMs: cfg.WINDOW_SIZE_MS,
  outOfOrdernessMs: cfg.OUT_OF_ORDERNESS_MS,
  allowedLatenessMs: cfg.ALLOWED_LATENESS_MS,
  sessionGapMs: cfg.SESSION_GAP_MS,
  maxFutureMs: cfg.MAX_FUTURE_MS,
};
const startMs = Date.parse('2026-12-01T00:00:00Z');
const seq = createEventSequence({ seed: 7, users, clock: simulatedClock(startMs, 1_000), disorder: { lateFraction: 0.01, maxDelaySeconds: 30 } });
const messages: KafkaMessage[] = seq.take(events).map((m, i) => {
  const value = Buffer.from(m.value);
  return { key: Buffer.from(m.key), value, offset: String(i), timestamp: String(startMs + i), attributes: 0, headers: {}, size: value.length };
});

function cpuMicros(f: () => void): number {
  const started = process.cpuUsage();
  f();
  const used = process.cpuUsage(started);
  return used.user + used.system;
}

for (let pass = 1; pass <= 3; pass++) {
  const decode = cpuMicros(() => {
    for (const m of messages) decodeMessage(m, settings.maxFutureMs);
  });
  let counted = 0;
  const route = cpuMicros(() => {
    let from: ChunkStart = { watermarkMs: null, sessions: createSessionState() };
    for (let i = 0; i < messages.length; i += chunkSize) {
      const r = routeChunk(messages.slice(i, i + chunkSize), from, settings);
      counted += r.counted;
      from = { watermarkMs: r.watermarkMs, sessions: r.sessions.state };
    }
  });
  console.log(`pass ${pass}: decode ${(decode / events).toFixed(2)}, whole route ${(route / events).toFixed(2)} CPU-µs per event (${counted.toLocaleString('en-US')} of ${events.toLocaleString('en-US')} counted; chunks of ${chunkSize.toLocaleString('en-US')}, ${users.toLocaleString('en-US')} users)`);
}
