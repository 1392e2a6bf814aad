/**
 * Validity does not depend on when the worker runs. The far-future check compares an event's
 * timestamp with its Kafka record's timestamp, so a batch replayed later (after a crash between the
 * side-topic sends and the commit) is judged exactly as the first time: the same events are
 * counted and the same ones dead-lettered.
 *
 * A first worker reads everything, writes the dead-letter topic and then "dies" before its commit
 * (its sink's batch commit hangs; the worker is stopped and the commit fails as a lost connection
 * would); a second worker, whose clock runs 10 minutes ahead, replays the same records and commits
 * them. Expected values are computed here from the raw events and the record timestamps the test
 * set, not with the worker's code.
 */
import type { Kafka, Message } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '@/lib/config';
import type { Db } from '@/lib/db/prisma';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { waitFor } from '@/lib/wait';
import { createKafka } from '@/lib/kafka/client';
import { createPostgresSink, type PostgresSink } from '@/worker/shell/postgres-sink';
import type { AggregateSink, BatchCommit, CommitOutcome } from '@/worker/shell/sink';
import { createWorker, type Worker } from '@/worker/worker';
import { configFor, createTopics, deleteTopics, differences, freshDatabase, groundTruth, pipelineEnv, produce, readDailyTotals, readTopic, waitForCommitted } from '@/tests/support/pipeline';

const MINUTE = 60_000;
/** The allowed lead of an event over its record, written out here rather than taken from the worker. */
const FIVE_MINUTES = 5 * MINUTE;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/**
 * The real PostgreSQL sink, except that a batch's commit never gets through: it hangs, as in a
 * process frozen after its side-topic sends, until kill() makes it (and every later one) fail as a
 * lost connection would. Position moves without events (a partition's first position) go through.
 */
class DiesBeforeCommit implements AggregateSink {
  /** Partitions whose batch commit was attempted. */
  readonly attempted = new Set<number>();
  private dead = false;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly inner: PostgresSink) {}
  loadPosition(topic: string, partition: number) {
    return this.inner.loadPosition(topic, partition);
  }
  setBlocked(topic: string, partition: number, reason: string | null) {
    return this.inner.setBlocked(topic, partition, reason);
  }
  commit(b: BatchCommit): Promise<CommitOutcome> {
    if (b.lastRecord === null) return this.inner.commit(b);
    this.attempted.add(b.partition);
    const lost = new Error('simulated crash: the connection was lost before the commit');
    if (this.dead) return Promise.reject(lost);
    return new Promise((_, reject) => this.waiting.push(() => reject(lost)));
  }
  kill(): void {
    this.dead = true;
    for (const fail of this.waiting.splice(0)) fail();
  }
  close() {
    return this.inner.close();
  }
}

interface Sent {
  /** What the test produced: an event, or raw bytes that are not one. */
  event: ClickstreamEvent | null;
  value: string;
  key: string;
  recordMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The events around one record timestamp R: some ahead of R by up to 5 minutes (valid), some by more (invalid). */
function around(tag: string, recordMs: number): Sent[] {
  let n = 0;
  const ev = (userId: string, offsetMs: number, eventType: string, extra: Record<string, unknown> = {}): Sent => {
    const event = { timestamp: iso(recordMs + offsetMs), userId, eventType, sessionDuration: 7 + n, sessionId: `${tag}-${n++}`, ...extra } as ClickstreamEvent;
    return { event, value: JSON.stringify(event), key: userId, recordMs };
  };
  return [
    ev(`${tag}-a`, -1 * MINUTE, 'pageView'),
    ev(`${tag}-a`, 1 * MINUTE, 'click'),
    ev(`${tag}-b`, 1 * MINUTE, 'pageView'),
    ev(`${tag}-b`, FIVE_MINUTES, 'search', { searchQuery: 'exactly five minutes ahead' }), // valid: the bound itself
    ev(`${tag}-c`, FIVE_MINUTES + 1, 'click'), // invalid: one millisecond past the bound
    ev(`${tag}-a`, 6 * MINUTE, 'pageView'), // invalid
    ev(`${tag}-b`, 6 * MINUTE, 'purchase', { productId: 'p-1', amount: 12.5 }), // invalid
    ev(`${tag}-c`, 2 * MINUTE, 'addToCart', { productId: 'p-2' }),
    { event: null, value: `{"timestamp":"${iso(recordMs)}","userId":"${tag}-c",`, key: `${tag}-c`, recordMs }, // malformed JSON
    ev(`${tag}-c`, 6 * MINUTE + 30_000, 'logout'), // invalid, and the last message of its group
  ];
}

/** The test's own verdict: an event counts when it is at most 5 minutes ahead of its record. */
const isValid = (s: Sent): s is Sent & { event: ClickstreamEvent } => s.event !== null && Date.parse(s.event.timestamp) - s.recordMs <= FIVE_MINUTES;

async function dlqEnds(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

const total = (ends: Map<number, bigint>) => [...ends.values()].reduce((s, n) => s + n, 0n);

describe('worker replay', () => {
  it('validity does not depend on when the worker runs: a replay with a clock 10 minutes ahead counts and dead-letters the same events', async () => {
    const database = await freshDatabase();
    cleanups.push(database.drop);
    // One partition: kafkajs fetches again only when every batch of a fetch is done, so with a batch
    // hanging in its commit, partitions that were not in the same fetch would never be read.
    const cfg: Config = configFor(pipelineEnv(database.url, { EVENTS_PARTITIONS: '1' }));
    expect(cfg.MAX_FUTURE_MS).toBe(FIVE_MINUTES);
    const kafka = createKafka(cfg, 'it-replay');
    await createTopics(kafka, cfg);
    cleanups.push(() => deleteTopics(kafka, cfg));
    const db: Db = database.db;

    // Two record times: T1, the wall clock now, and T0, an hour earlier (well inside the broker's
    // 24-hour retention and its limit on timestamps ahead of it).
    //
    // What the OLD code (future check against the handler's clock, `now()` = the wall clock) did here:
    //  - T0 group: every event is at most T0 + 6.5 min, i.e. ~53 minutes in the past by the wall
    //    clock, so the T0 + 6 min events were valid and counted on any run;
    //  - T1 group: on the first run (clock ≈ T1) the T1 + 6 min events were dead-lettered, but the
    //    replay's clock is T1 + 10 min, so on the replay they were valid and counted. Only the replay
    //    commits, so they ended up in the totals, and the two runs' dead-letter sets differed.
    // Either way the assertions below fail on it: the totals, the "nothing from T + 6 min" check and
    // the dead-letter sets. (A check against `Date.now()` instead of the handler's clock fails the
    // same way through the T0 group.)
    const t1 = Math.floor(Date.now() / 1000) * 1000;
    const t0 = t1 - 60 * MINUTE;
    const sent = [...around('replay-past', t0), ...around('replay-now', t1)];
    const valid = sent.filter(isValid);
    const invalid = sent.filter((s) => !isValid(s));
    expect(valid).toHaveLength(10);
    expect(invalid).toHaveLength(10);
    expect(new Set(sent.map((s) => s.value)).size).toBe(sent.length);

    const messages: Message[] = sent.map((s) => ({ key: s.key, value: s.value, timestamp: String(s.recordMs) }));
    await produce(kafka, cfg.TOPIC_EVENTS, messages);
    // Where each one landed, read back with a plain consumer: partition and offset by value.
    const positionOf = new Map((await readTopic(kafka, cfg.TOPIC_EVENTS, sent.length)).map((m) => [m.value?.toString() ?? '', `${m.partition}:${m.offset}`]));
    expect(positionOf.size).toBe(sent.length);
    const expectedDead = new Set(invalid.map((s) => positionOf.get(s.value)));
    expect(expectedDead.size).toBe(invalid.length);

    // Run 1: reads everything, writes the dead-letter topic, never commits a batch; then it is stopped.
    const dying = new DiesBeforeCommit(createPostgresSink(cfg.DATABASE_URL, 4));
    const first: Worker = createWorker({ cfg, kafka, sink: dying });
    let firstStopped = false;
    cleanups.push(async () => {
      if (firstStopped) return;
      dying.kill();
      await first.stop();
    });
    await first.start();
    // The dead-letter sends are awaited before the commit: once it is attempted, they are on the topic.
    expect(await waitFor(() => Promise.resolve(dying.attempted.size === 1), 60_000, 100), 'the first worker reaches its commit').toBe(true);
    const stopping = first.stop();
    await new Promise((resolve) => setImmediate(resolve));
    dying.kill();
    await stopping;
    firstStopped = true;
    const afterFirstState = await db.partitionState.findMany({ where: { topic: cfg.TOPIC_EVENTS } });
    expect(afterFirstState.map((r) => [r.nextOffset, r.processed, r.invalid]), 'no batch was committed by the first worker').toEqual(afterFirstState.map(() => [0n, 0n, 0n]));
    expect(await db.userDaily.count()).toBe(0);
    const afterFirst = await dlqEnds(kafka, cfg.TOPIC_DLQ);
    const source = (m: { headers: Record<string, string> }) => `${m.headers['x-source-partition']}:${m.headers['x-source-offset']}`;
    const firstRun = await readTopic(kafka, cfg.TOPIC_DLQ, Number(total(afterFirst)));
    expect.soft(new Set(firstRun.map(source)), 'dead-lettered by the first run').toEqual(expectedDead);
    expect.soft(firstRun).toHaveLength(invalid.length);

    // Run 2: the same group, a clock 10 minutes ahead; replays everything and commits.
    const second = createWorker({ cfg, kafka, now: () => Date.now() + 10 * MINUTE });
    cleanups.push(() => second.stop());
    await second.start();
    await waitForCommitted(db, cfg, sent.length, 60_000);

    // Totals: exactly the test's valid events.
    const expected = groundTruth(valid.map((s) => s.event));
    const actual = await readDailyTotals(db);
    expect.soft(differences(expected, actual)).toEqual([]);
    expect.soft(actual.size).toBe(expected.size);
    const state = await db.partitionState.findMany({ where: { topic: cfg.TOPIC_EVENTS } });
    const sum = (f: (r: (typeof state)[number]) => bigint) => state.reduce((s, r) => s + Number(f(r)), 0);
    expect.soft({ processed: sum((r) => r.processed), invalid: sum((r) => r.invalid), late: sum((r) => r.late) }).toEqual({ processed: valid.length, invalid: invalid.length, late: 0 });

    // Nothing was counted from the events 6 minutes ahead of their record, in any table.
    for (const r of [t0, t1]) {
      const from = new Date(Math.floor((r + 6 * MINUTE) / MINUTE) * MINUTE);
      expect.soft(await db.userMinute.count({ where: { windowStart: { gte: from, lt: new Date(r + 8 * MINUTE) } } }), `user minutes from ${from.toISOString()}`).toBe(0);
      expect.soft(await db.globalMinute.count({ where: { windowStart: { gte: from, lt: new Date(r + 8 * MINUTE) } } }), `global minutes from ${from.toISOString()}`).toBe(0);
    }
    const sums = await db.$queryRaw<{ minutes: bigint; global: bigint }[]>`
      SELECT (SELECT coalesce(sum(event_count), 0) FROM user_minute) AS minutes, (SELECT coalesce(sum(count), 0) FROM global_minute) AS global`;
    expect.soft(sums).toEqual([{ minutes: BigInt(valid.length), global: BigInt(valid.length) }]);

    // The dead-letter topic: the same invalid events (by source partition and offset) from the replay.
    // (the replay's sends were awaited before its commit, so they are all there by now)
    const dlq = await readTopic(kafka, cfg.TOPIC_DLQ, Number(total(await dlqEnds(kafka, cfg.TOPIC_DLQ))));
    const secondRun = dlq.filter((m) => BigInt(m.offset) >= (afterFirst.get(m.partition) ?? 0n));
    expect.soft(new Set(secondRun.map(source)), 'dead-lettered by the replay').toEqual(expectedDead);
    expect(secondRun.length).toBeGreaterThanOrEqual(invalid.length); // at-least-once there

    // Each dead letter carries its bytes, its record's timestamp, and the reason judged against it.
    const byValue = new Map(invalid.map((s) => [s.value, s]));
    for (const m of dlq) {
      const s = byValue.get(m.value?.toString() ?? '');
      expect(s, `dead letter ${source(m)} is one of the invalid events`).toBeDefined();
      if (!s) continue;
      expect(m.headers['x-source-timestamp']).toBe(String(s.recordMs));
      if (s.event === null) expect(m.headers['x-reason']).toMatch(/^message: is not valid JSON/);
      else expect(m.headers['x-reason']).toBe(`timestamp: ${s.event.timestamp} is more than 300 s ahead of the record's Kafka timestamp ${iso(s.recordMs)}`);
    }
  });
});
