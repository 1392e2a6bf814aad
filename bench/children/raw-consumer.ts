/**
 * The raw consume limit, as its own process (like a worker, so the two compare fairly): a kafkajs
 * consumer group on the pre-filled topic, with the worker's consumer settings (lib/kafka/consumer.ts,
 * eachBatch, WORKER_CONCURRENCY partitions at once), that only JSON-parses each message. No
 * writes. When BENCH_EXPECT messages have been parsed it writes its timings to BENCH_RESULT_FILE
 * and exits.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { config } from '@/lib/config';
import { createKafka } from '@/lib/kafka/client';
import { BatchConsumer } from '@/lib/kafka/consumer';
import { logger } from '@/lib/log';
import { runMain } from '@/lib/run-main';

const env = z
  .object({
    BENCH_TOPIC: z.string().min(1),
    BENCH_GROUP: z.string().min(1),
    BENCH_EXPECT: z.coerce.number().int().positive(),
    BENCH_RESULT_FILE: z.string().min(1),
  })
  .parse(process.env);

export interface RawConsumeResult {
  count: number;
  parseErrors: number;
  /** ms from process start (performance.now()) to the first batch, the end, and when the consumer ran. */
  firstBatchAtMs: number;
  doneAtMs: number;
  batches: number;
}

runMain(async () => {
  const cfg = config();
  const log = logger('raw-consumer');
  const kafka = createKafka(cfg, `${cfg.KAFKA_CLIENT_ID}-bench-raw`);
  let count = 0;
  let parseErrors = 0;
  let batches = 0;
  let firstBatchAtMs = -1;
  let finished: (() => void) | undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));

  const consumer = new BatchConsumer({
    kafka,
    log,
    groupId: env.BENCH_GROUP,
    topics: [env.BENCH_TOPIC],
    fromBeginning: true,
    partitionsConsumedConcurrently: cfg.WORKER_CONCURRENCY,
    sessionTimeoutMs: cfg.WORKER_SESSION_TIMEOUT_MS,
    handleBatch: async (payload) => {
      const { batch } = payload;
      if (firstBatchAtMs < 0) firstBatchAtMs = performance.now();
      batches++;
      for (const m of batch.messages) {
        try {
          JSON.parse(m.value?.toString() ?? '');
        } catch {
          parseErrors++;
        }
      }
      count += batch.messages.length;
      if (batch.messages.length > 0) payload.resolveOffset(batch.lastOffset());
      await payload.heartbeat();
      if (count >= env.BENCH_EXPECT) finished?.();
    },
  });
  await consumer.start();
  await done;
  const doneAtMs = performance.now();
  const result: RawConsumeResult = { count, parseErrors, firstBatchAtMs, doneAtMs, batches };
  fs.writeFileSync(env.BENCH_RESULT_FILE, JSON.stringify(result));
  await consumer.stop();
  return 0;
});
