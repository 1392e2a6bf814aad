/**
 * A value the database rejects does not stop the partition: a chunk refused for its data (SQLSTATE
 * class 22/23) is split until the refused event is found, that event is dead-lettered with the
 * database's reason, and everything else is counted. An error that is not the data's (a table
 * missing for a while) is retried instead, with nothing dead-lettered, and counting resumes exactly
 * once it clears. Real broker, real PostgreSQL, expected totals from an independent ground truth.
 */
import type { Kafka } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '@/lib/config';
import type { Db } from '@/lib/db/prisma';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { waitFor } from '@/lib/wait';
import { createKafka } from '@/lib/kafka/client';
import { createWorker, type Worker } from '@/worker/worker';
import { configFor, createTopics, deleteTopics, differences, freshDatabase, groundTruth, pipelineEnv, produce, readDailyTotals, readTopic, waitForCommitted } from '@/tests/support/pipeline';

const REFUSED_USER = 'refused-user';
/** Messages per transaction: small, so the stream spans several chunks. */
const CHUNK = 40;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface Pipeline {
  cfg: Config;
  kafka: Kafka;
  db: Db;
  start: () => Promise<Worker>;
}

/** A fresh database and topics of one partition (so the order, and so the chunks, are known). */
async function pipeline(): Promise<Pipeline> {
  const database = await freshDatabase();
  cleanups.push(database.drop);
  const cfg = configFor(pipelineEnv(database.url, { EVENTS_PARTITIONS: '1' }));
  const kafka = createKafka(cfg, 'it-db-refused');
  await createTopics(kafka, cfg);
  cleanups.push(() => deleteTopics(kafka, cfg));
  return {
    cfg,
    kafka,
    db: database.db,
    start: async () => {
      const worker = createWorker({ cfg, kafka, chunkSize: CHUNK });
      cleanups.push(() => worker.stop());
      await worker.start();
      return worker;
    },
  };
}

const TYPES = ['pageView', 'click', 'search', 'login'] as const;

/** `count` events two seconds apart from `startIso`, users taking turns; `userAt(i)` may override one. */
function events(count: number, startIso: string, userAt: (i: number) => string): ClickstreamEvent[] {
  const start = Date.parse(startIso);
  return Array.from({ length: count }, (_, i) => {
    const eventType = TYPES[i % TYPES.length] as string;
    return {
      timestamp: new Date(start + i * 2_000).toISOString(),
      userId: userAt(i),
      eventType,
      sessionDuration: (i * 37) % 600,
      ...(eventType === 'search' ? { searchQuery: `q${i}` } : {}),
      ...(eventType === 'click' ? { target: 'link' } : {}),
    } as ClickstreamEvent;
  });
}

/** Messages on a topic (the sum of its partitions' end offsets). */
async function messageCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

async function partitionState(db: Db, cfg: Config) {
  const rows = await db.partitionState.findMany({ where: { topic: cfg.TOPIC_EVENTS } });
  return rows.map((r) => ({ partition: r.partition, nextOffset: Number(r.nextOffset), processed: Number(r.processed), invalid: Number(r.invalid), late: Number(r.late) }));
}

async function tableSums(db: Db) {
  const [row] = await db.$queryRaw<{ days: bigint; minutes: bigint; global: bigint }[]>`
    SELECT (SELECT coalesce(sum(event_count), 0) FROM user_daily) AS days, (SELECT coalesce(sum(event_count), 0) FROM user_minute) AS minutes,
           (SELECT coalesce(sum(count), 0) FROM global_minute) AS global`;
  return { days: Number(row?.days), minutes: Number(row?.minutes), global: Number(row?.global) };
}

describe('worker and a database that refuses', () => {
  it('a value the database rejects does not stop the partition: the refused events are dead-lettered, the rest counted', async () => {
    const p = await pipeline();
    await p.db.$executeRawUnsafe(`ALTER TABLE user_daily ADD CONSTRAINT test_refuses_user CHECK (user_id <> '${REFUSED_USER}')`);

    // 200 events in chunks of 40: the refused user's two neighbours in the middle of chunk 0, one
    // in the middle of chunks 1 and 2, the first of chunk 3 and the very last message.
    const refusedAt = new Set([17, 18, 55, 100, 120, 199]);
    const all = events(200, '2026-03-10T12:00:00Z', (i) => (refusedAt.has(i) ? REFUSED_USER : `db-user-${i % 5}`));
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, all.map((e) => ({ key: e.userId, value: JSON.stringify(e) })));
    const worker = await p.start();
    await waitForCommitted(p.db, p.cfg, all.length, 60_000);

    // The partition is committed to its end; the refused events are counted as invalid, not processed.
    const accepted = all.filter((e) => e.userId !== REFUSED_USER);
    expect(await partitionState(p.db, p.cfg)).toEqual([{ partition: 0, nextOffset: all.length, processed: accepted.length, invalid: refusedAt.size, late: 0 }]);

    // Every other user's totals equal the ground truth, and the refused user is in no table.
    const expected = groundTruth(accepted);
    const actual = await readDailyTotals(p.db);
    expect(differences(expected, actual)).toEqual([]);
    expect(actual.size).toBe(expected.size);
    expect(await tableSums(p.db)).toEqual({ days: accepted.length, minutes: accepted.length, global: accepted.length });
    expect(await p.db.userMinute.count({ where: { userId: REFUSED_USER } })).toBe(0);
    expect(await p.db.userDaily.count({ where: { userId: REFUSED_USER } })).toBe(0);

    // The refused events, and only they, are on the dead-letter topic, each once, with the database's reason.
    expect(await messageCount(p.kafka, p.cfg.TOPIC_DLQ)).toBe(refusedAt.size);
    const dlq = await readTopic(p.kafka, p.cfg.TOPIC_DLQ, refusedAt.size);
    expect(dlq.map((m) => Number(m.headers['x-source-offset'])).sort((a, b) => a - b)).toEqual([...refusedAt].sort((a, b) => a - b));
    for (const m of dlq) {
      const offset = Number(m.headers['x-source-offset']);
      expect(m.value?.toString()).toBe(JSON.stringify(all[offset]));
      expect(m.headers['x-reason']).toMatch(/^database: refused the event \(SQLSTATE 23514: /);
      expect(m.headers['x-reason']).toContain('test_refuses_user');
      expect(m.headers['x-source-topic']).toBe(p.cfg.TOPIC_EVENTS);
      expect(m.headers['x-source-partition']).toBe('0');
    }

    // The worker is healthy: nothing is being retried, no partition is refused.
    expect(worker.health()).toMatchObject({ status: 'ok', retrying: null, refused: [] });

    // And it goes on counting what comes next, the refused user's later events refused again.
    const more = events(20, '2026-03-10T12:10:00Z', (i) => (i === 10 ? REFUSED_USER : `db-user-${i % 3}`));
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, more.map((e) => ({ key: e.userId, value: JSON.stringify(e) })));
    await waitForCommitted(p.db, p.cfg, all.length + more.length, 60_000);
    const acceptedAll = [...accepted, ...more.filter((e) => e.userId !== REFUSED_USER)];
    expect(differences(groundTruth(acceptedAll), await readDailyTotals(p.db))).toEqual([]);
    expect(await partitionState(p.db, p.cfg)).toEqual([{ partition: 0, nextOffset: all.length + more.length, processed: acceptedAll.length, invalid: refusedAt.size + 1, late: 0 }]);
    expect(await messageCount(p.kafka, p.cfg.TOPIC_DLQ)).toBe(refusedAt.size + 1);
    expect(worker.health()).toMatchObject({ status: 'ok', retrying: null });
  });

  it('splitting a refused chunk sends its other dead letters once, not once per split', async () => {
    const p = await pipeline();
    await p.db.$executeRawUnsafe(`ALTER TABLE user_daily ADD CONSTRAINT test_refuses_user CHECK (user_id <> '${REFUSED_USER}')`);
    // One chunk: a malformed message at offset 3 and the refused user at offset 30. Finding the
    // refused event takes several splits; each used to send the malformed message again.
    const all = events(CHUNK, '2026-03-11T12:00:00Z', (i) => (i === 30 ? REFUSED_USER : `db-user-${i % 4}`));
    const messages = all.map((e, i) => ({ key: e.userId, value: i === 3 ? '{not json' : JSON.stringify(e) }));
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, messages);
    await p.start();
    await waitForCommitted(p.db, p.cfg, messages.length, 60_000);
    expect(await messageCount(p.kafka, p.cfg.TOPIC_DLQ), 'dead letters: the malformed message and the refused event, once each').toBe(2);
    const dlq = await readTopic(p.kafka, p.cfg.TOPIC_DLQ, 2);
    expect(dlq.map((m) => Number(m.headers['x-source-offset'])).sort((a, b) => a - b)).toEqual([3, 30]);
  });

  it('a refused event moves the watermark as it did in the refused attempt: what went to the late topic then is not counted', async () => {
    const p = await pipeline();
    await p.db.$executeRawUnsafe(`ALTER TABLE user_daily ADD CONSTRAINT test_refuses_user CHECK (user_id <> '${REFUSED_USER}')`);
    const ev = (userId: string, timestamp: string, sessionDuration: number) => ({ timestamp, userId, eventType: 'pageView', sessionDuration }) as ClickstreamEvent;
    // One chunk. The attempt that the database refuses runs the rules over all of it: the refused
    // event (12:30) moves the watermark to 12:29:55, so the 12:05 event (window end 12:06, + 10 min
    // allowed lateness = 12:16, at or before the watermark) is late and is sent to the late topic
    // before the commit. After the split, the same event must still be late, not counted.
    const stream = [
      ev('wm-user', '2026-03-12T12:00:00Z', 1), // counted
      ev(REFUSED_USER, '2026-03-12T12:30:00Z', 2), // refused by the database
      ev('wm-user', '2026-03-12T12:05:00Z', 4), // late
      ev('wm-user', '2026-03-12T12:29:00Z', 8), // window end 12:30 + 10 min = 12:40 > 12:29:55: counted
    ];
    const messages = [...stream.map((e) => ({ key: e.userId, value: JSON.stringify(e) })), { key: 'bad', value: '{"timestamp":' }];
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, messages);
    const worker = await p.start();
    await waitForCommitted(p.db, p.cfg, messages.length, 60_000);

    expect(differences(groundTruth([stream[0]!, stream[3]!]), await readDailyTotals(p.db))).toEqual([]);
    expect(await partitionState(p.db, p.cfg)).toEqual([{ partition: 0, nextOffset: messages.length, processed: 2, invalid: 2, late: 1 }]);
    const late = await readTopic(p.kafka, p.cfg.TOPIC_LATE, await messageCount(p.kafka, p.cfg.TOPIC_LATE));
    expect(new Set(late.map((m) => m.headers['x-source-offset']))).toEqual(new Set(['2'])); // at-least-once: maybe more than one copy
    for (const m of late) expect(m.headers['x-reason']).toMatch(/^late: window ending 2026-03-12T12:06:00.000Z .* watermark 2026-03-12T12:29:55.000Z/);
    const dlq = await readTopic(p.kafka, p.cfg.TOPIC_DLQ, await messageCount(p.kafka, p.cfg.TOPIC_DLQ));
    const reasons = new Map(dlq.map((m) => [m.headers['x-source-offset'], m.headers['x-reason']]));
    expect(new Set(reasons.keys())).toEqual(new Set(['1', '4']));
    expect(reasons.get('1')).toMatch(/^database: refused the event \(SQLSTATE 23514: /);
    expect(reasons.get('4')).toMatch(/^message: is not valid JSON/);
    expect(worker.health()).toMatchObject({ status: 'ok', retrying: null });
  });

  it('an error that is not the data\'s (a table renamed away for a while) is retried, nothing dead-lettered, and everything counted once it clears', async () => {
    const p = await pipeline();
    const before = events(30, '2026-03-11T08:00:00Z', (i) => `rn-user-${i % 4}`);
    const during = events(30, '2026-03-11T08:01:00Z', (i) => `rn-user-${i % 6}`);
    const worker = await p.start();
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, before.map((e) => ({ key: e.userId, value: JSON.stringify(e) })));
    await waitForCommitted(p.db, p.cfg, before.length, 60_000);

    await p.db.$executeRawUnsafe('ALTER TABLE global_minute RENAME TO global_minute_x');
    let renamed = true;
    cleanups.push(async () => {
      if (renamed) await p.db.$executeRawUnsafe('ALTER TABLE global_minute_x RENAME TO global_minute');
    });
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, during.map((e) => ({ key: e.userId, value: JSON.stringify(e) })));

    // The commit keeps failing: after a few attempts health says so, with the database's error.
    const retrying = await waitFor(() => Promise.resolve(worker.health().status === 'retrying'), 30_000, 100);
    expect(retrying, `health: ${JSON.stringify(worker.health())}`).toBe(true);
    const health = worker.health();
    expect(health.retrying).toMatchObject({ what: 'committing batch' });
    expect(health.retrying?.attempt).toBeGreaterThanOrEqual(3);
    expect(health.retrying?.error).toMatch(/global_minute/);
    // Meanwhile nothing moved and nothing was dead-lettered.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await partitionState(p.db, p.cfg)).toEqual([{ partition: 0, nextOffset: before.length, processed: before.length, invalid: 0, late: 0 }]);
    expect(await messageCount(p.kafka, p.cfg.TOPIC_DLQ)).toBe(0);

    await p.db.$executeRawUnsafe('ALTER TABLE global_minute_x RENAME TO global_minute');
    renamed = false;
    await waitForCommitted(p.db, p.cfg, before.length + during.length, 60_000);

    const all = [...before, ...during];
    const expected = groundTruth(all);
    const actual = await readDailyTotals(p.db);
    expect(differences(expected, actual)).toEqual([]);
    expect(actual.size).toBe(expected.size);
    expect(await tableSums(p.db)).toEqual({ days: all.length, minutes: all.length, global: all.length });
    expect(await partitionState(p.db, p.cfg)).toEqual([{ partition: 0, nextOffset: all.length, processed: all.length, invalid: 0, late: 0 }]);
    expect(await messageCount(p.kafka, p.cfg.TOPIC_DLQ)).toBe(0);
    expect(await waitFor(() => Promise.resolve(worker.health().status === 'ok'), 10_000, 100)).toBe(true);
    expect(worker.health().retrying).toBeNull();
  });
});
