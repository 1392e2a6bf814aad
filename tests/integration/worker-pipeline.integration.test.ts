/**
 * The worker end to end against the real broker and database: a fresh database and fresh topics
 * per test, a worker in this process, and totals compared with an independent ground truth.
 */
import type { Kafka } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '@/lib/config';
import type { Db } from '@/lib/db/prisma';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { createKafka } from '@/lib/kafka/client';
import { simulatedClock } from '@/simulator/clock';
import { INVALID_KINDS, makeInvalid } from '@/simulator/disorder';
import { createEventSequence } from '@/simulator/sequence';
import { createWorker, type Worker } from '@/worker/worker';
import { configFor, createTopics, deleteTopics, differences, freshDatabase, groundTruth, pipelineEnv, produce, readDailyTotals, readTopic, waitForCommitted } from '@/tests/support/pipeline';

interface Pipeline {
  cfg: Config;
  kafka: Kafka;
  db: Db;
  worker: Worker;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function pipeline(extra: Record<string, string> = {}): Promise<Pipeline> {
  const database = await freshDatabase();
  cleanups.push(database.drop);
  const cfg = configFor(pipelineEnv(database.url, extra));
  const kafka = createKafka(cfg, 'it-worker');
  await createTopics(kafka, cfg);
  cleanups.push(() => deleteTopics(kafka, cfg));
  const worker = createWorker({ cfg, kafka });
  await worker.start();
  cleanups.push(() => worker.stop());
  return { cfg, kafka, db: database.db, worker };
}

const json = (e: object) => ({ key: (e as { userId?: string }).userId ?? null, value: JSON.stringify(e) });

describe('worker pipeline', () => {
  it('counts the seed event exactly as written', async () => {
    const p = await pipeline();
    const seed = '{"timestamp":"2023-09-25T14:30:00","userId":"user123","eventType":"pageView","productId":"product456","sessionDuration":180}';
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, [{ key: 'user123', value: seed }]);
    await waitForCommitted(p.db, p.cfg, 1);
    const totals = await readDailyTotals(p.db);
    expect(Object.fromEntries(totals)).toEqual({
      'user123|2023-09-25': {
        eventCount: 1,
        timeSpentSeconds: 180,
        clicks: 0,
        pageViews: 1,
        firstEventAt: '2023-09-25T14:30:00.000Z',
        lastEventAt: '2023-09-25T14:30:00.000Z',
        eventCounts: { pageView: 1 },
      },
    });
    const minutes = await p.db.userMinute.findMany();
    expect(minutes.map((m) => [m.userId, m.windowStart.toISOString(), m.eventCount, Number(m.timeSpentSeconds)])).toEqual([['user123', '2023-09-25T14:30:00.000Z', 1, 180]]);
    const state = await p.db.partitionState.findMany({ where: { groupId: p.cfg.WORKER_GROUP_ID } });
    expect(state.reduce((s, r) => s + Number(r.processed), 0)).toBe(1);

    // Operations: the health check and the Prometheus metrics see the commit.
    const base = p.worker.endpoint();
    expect(base).not.toBeNull();
    const health = (await (await fetch(`${base}/healthz`)).json()) as { status: string; lastCommitAt: string | null };
    expect(health.status).toBe('ok');
    expect(health.lastCommitAt).not.toBeNull();
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^clickstream_worker_events_total\{outcome="counted"\} 1$/m);
    expect(metrics).toMatch(/^clickstream_worker_batch_duration_seconds_count 1$/m);
  });

  it('totals 100,000 simulator events from 500 users exactly as the ground truth', async () => {
    const p = await pipeline();
    const seq = createEventSequence({ seed: 7, users: 500, clock: simulatedClock(Date.parse('2026-01-15T23:30:00Z'), 50) });
    const messages = seq.take(100_000);
    const events = messages.map((m) => m.event as ClickstreamEvent);
    expect(new Set(events.map((e) => e.userId)).size).toBeGreaterThan(400);
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, messages.map((m) => ({ key: m.key, value: m.value })));
    await waitForCommitted(p.db, p.cfg, messages.length, 180_000);

    const expected = groundTruth(events);
    const actual = await readDailyTotals(p.db);
    expect(differences(expected, actual)).toEqual([]);
    expect(actual.size).toBe(expected.size);
    // A day's figures equal the sum of its minutes.
    const sums = await p.db.$queryRaw<{ minutes: bigint; days: bigint; global: bigint }[]>`
      SELECT (SELECT sum(event_count) FROM user_minute) AS minutes, (SELECT sum(event_count) FROM user_daily) AS days,
             (SELECT sum(count) FROM global_minute) AS global`;
    expect(sums).toEqual([{ minutes: 100_000n, days: 100_000n, global: 100_000n }]);
  });

  it('counts out-of-order events within the bound and sends late ones to the late topic', async () => {
    const p = await pipeline();
    const ev = (userId: string, iso: string, eventType = 'click'): ClickstreamEvent =>
      ({ timestamp: iso, userId, eventType, sessionDuration: 10 }) as ClickstreamEvent;
    // One key, so all land in one partition, in this order.
    const stream = [
      ev('ooo-a', '2026-01-10T12:00:00Z'),
      ev('ooo-a', '2026-01-10T12:20:00Z'),
      ev('ooo-a', '2026-01-10T12:19:57Z'), // 3 s out of order: within the 5 s bound, counted
      ev('ooo-a', '2026-01-10T12:09:00Z'), // window ends 12:10, +10 min = 12:20 <= watermark 12:19:55? no: counted
      ev('ooo-a', '2026-01-10T12:05:00Z'), // window ends 12:06, +10 min = 12:16 <= 12:19:55: late
      ev('ooo-a', '2026-01-10T12:08:59Z'), // window ends 12:09, +10 min = 12:19 <= 12:19:55: late
    ];
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, stream.map((e) => ({ key: 'same-key', value: JSON.stringify(e) })));
    await waitForCommitted(p.db, p.cfg, stream.length);
    const totals = await readDailyTotals(p.db);
    expect(totals.get('ooo-a|2026-01-10')?.eventCount).toBe(4);
    expect(differences(groundTruth([stream[0]!, stream[1]!, stream[2]!, stream[3]!]), totals)).toEqual([]);

    const late = await readTopic(p.kafka, p.cfg.TOPIC_LATE, 2);
    expect(late).toHaveLength(2);
    expect(late.map((m) => (JSON.parse(m.value?.toString() ?? '{}') as ClickstreamEvent).timestamp).sort()).toEqual(['2026-01-10T12:05:00Z', '2026-01-10T12:08:59Z']);
    for (const m of late) {
      expect(m.headers['x-reason']).toMatch(/^late: window ending .* is at or before the watermark 2026-01-10T12:19:55.000Z/);
      expect(m.headers['x-source-topic']).toBe(p.cfg.TOPIC_EVENTS);
      expect(m.headers['x-source-offset']).toMatch(/^[45]$/);
    }
    const state = await p.db.partitionState.findMany({ where: { groupId: p.cfg.WORKER_GROUP_ID } });
    expect(state.reduce((s, r) => s + Number(r.late), 0)).toBe(2);
    expect(state.reduce((s, r) => s + Number(r.processed), 0)).toBe(4);
  });

  it('dead-letters every kind of invalid message with its bytes, position and reason, and counts the valid ones around it', async () => {
    const p = await pipeline();
    const seq = createEventSequence({ seed: 3, users: 20, clock: simulatedClock(Date.parse('2026-02-01T10:00:00Z'), 10) });
    const valid = seq.take(INVALID_KINDS.length * 3).map((m) => m.event as ClickstreamEvent);
    const messages: { key: string | null; value: string | Buffer }[] = [];
    const invalid = INVALID_KINDS.map((kind, i) => makeInvalid(kind, valid[i]!));
    valid.forEach((e, i) => {
      messages.push(json(e));
      const bad = invalid[i];
      if (bad) messages.push({ key: 'bad', value: bad.value });
    });
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, messages, 5);
    await waitForCommitted(p.db, p.cfg, messages.length);

    expect(differences(groundTruth(valid), await readDailyTotals(p.db))).toEqual([]);
    const dlq = await readTopic(p.kafka, p.cfg.TOPIC_DLQ, invalid.length);
    expect(dlq).toHaveLength(invalid.length);
    for (const bad of invalid) {
      const found = dlq.find((m) => (m.value ?? Buffer.alloc(0)).equals(bad.value));
      expect(found, `${bad.kind} is on the dead-letter topic with its original bytes`).toBeDefined();
      expect(found?.headers['x-reason'], bad.kind).toMatch(new RegExp(`^${bad.field}: `));
      expect(found?.headers['x-source-topic']).toBe(p.cfg.TOPIC_EVENTS);
      expect(found?.headers['x-source-offset']).toMatch(/^\d+$/);
    }
    const state = await p.db.partitionState.findMany({ where: { groupId: p.cfg.WORKER_GROUP_ID } });
    expect(state.reduce((s, r) => s + Number(r.invalid), 0)).toBe(invalid.length);
    expect(state.reduce((s, r) => s + Number(r.processed), 0)).toBe(valid.length);
  });
});
