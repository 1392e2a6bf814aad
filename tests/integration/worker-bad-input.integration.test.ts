/**
 * Hostile input from Kafka: 100,000 messages through a plain Kafka client — valid events mutated
 * at random, and garbage. The worker never crashes, and every message is either counted (or, if a
 * mutation made it late, sent to the late topic) or dead-lettered: the three add up to what was sent.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { createKafka } from '@/lib/kafka/client';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';
import { createWorker, type Worker } from '@/worker/worker';
import { configFor, createTopics, deleteTopics, freshDatabase, pipelineEnv, produce, readTopic, waitForCommitted } from '@/tests/support/pipeline';

const TOTAL = 100_000;

/** A mutation of a valid event: some keep it valid, most break it in one way or another. */
const mutation = fc.oneof(
  fc.constant((e: Record<string, unknown>) => e),
  fc.constantFrom('timestamp', 'userId', 'eventType', 'sessionDuration', 'productId').map((k) => (e: Record<string, unknown>) => {
    const copy = { ...e };
    delete copy[k];
    return copy;
  }),
  fc.tuple(fc.constantFrom('timestamp', 'userId', 'eventType', 'sessionDuration', 'productId', 'amount', 'page'), fc.jsonValue()).map(
    ([k, v]) => (e: Record<string, unknown>) => ({ ...e, [k]: v }),
  ),
  fc.integer({ min: -1e6, max: 1e7 }).map((n) => (e: Record<string, unknown>) => ({ ...e, sessionDuration: n })),
  fc.string({ maxLength: 40 }).map((s) => (e: Record<string, unknown>) => ({ ...e, timestamp: s })),
);

type Encoded = { kind: 'json'; mutate: (e: Record<string, unknown>) => unknown } | { kind: 'bytes'; bytes: Uint8Array } | { kind: 'truncate'; at: number };

const messageArb: fc.Arbitrary<Encoded> = fc.oneof(
  { weight: 6, arbitrary: mutation.map((mutate) => ({ kind: 'json' as const, mutate })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
  { weight: 1, arbitrary: fc.nat({ max: 200 }).map((at) => ({ kind: 'truncate' as const, at })) },
);

describe('the worker under hostile Kafka input', () => {
  let worker: Worker;
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let cfg: ReturnType<typeof configFor>;
  let kafka: ReturnType<typeof createKafka>;

  beforeAll(async () => {
    database = await freshDatabase();
    cleanups.push(database.drop);
    cfg = configFor(pipelineEnv(database.url));
    kafka = createKafka(cfg, 'it-bad-input');
    await createTopics(kafka, cfg);
    cleanups.push(() => deleteTopics(kafka, cfg));
    worker = createWorker({ cfg, kafka });
    await worker.start();
    cleanups.push(() => worker.stop());
  });

  it(`counts or dead-letters each of ${TOTAL.toLocaleString('en')} mutated and garbage messages, and keeps running`, async () => {
    const events = createEventSequence({ seed: 99, users: 300, clock: simulatedClock(Date.parse('2026-05-01T08:00:00Z'), 100) }).take(TOTAL).map((m) => m.event as ClickstreamEvent);
    const shapes = fc.sample(messageArb, { numRuns: TOTAL, seed: 1234 });
    const messages = events.map((e, i) => {
      const shape = shapes[i] as Encoded;
      const key = e.userId;
      if (shape.kind === 'bytes') return { key, value: Buffer.from(shape.bytes) };
      if (shape.kind === 'truncate') return { key, value: JSON.stringify(e).slice(0, shape.at) };
      const mutated = shape.mutate({ ...e });
      return { key, value: JSON.stringify(mutated) ?? 'undefined' };
    });
    await produce(kafka, cfg.TOPIC_EVENTS, messages, 5000);
    await waitForCommitted(database.db, cfg, TOTAL, 240_000);

    expect(worker.health().status).toBe('ok');
    const state = await database.db.partitionState.findMany({ where: { groupId: cfg.WORKER_GROUP_ID } });
    const processed = state.reduce((s, r) => s + Number(r.processed), 0);
    const invalid = state.reduce((s, r) => s + Number(r.invalid), 0);
    const late = state.reduce((s, r) => s + Number(r.late), 0);
    expect(processed + invalid + late).toBe(TOTAL);
    expect(invalid).toBeGreaterThan(TOTAL / 4);
    expect(processed).toBeGreaterThan(TOTAL / 20);
    const [sums] = await database.db.$queryRaw<{ n: bigint }[]>`SELECT coalesce(sum(event_count), 0)::bigint AS n FROM user_daily`;
    expect(Number(sums?.n)).toBe(processed);

    const dlq = await readTopic(kafka, cfg.TOPIC_DLQ, invalid, 120_000);
    expect(dlq.length).toBeGreaterThanOrEqual(invalid);
    expect(dlq.every((m) => /^[\w.]+: /.test(m.headers['x-reason'] ?? ''))).toBe(true);
  });
});
