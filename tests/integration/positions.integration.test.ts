/**
 * Stored positions against the real broker and database: a position belongs to one Kafka cluster
 * and one incarnation of a topic, and to the topic partition (not to a consumer group). Each case
 * below fails on the previous design, where partition_state was keyed by (group, topic, partition)
 * and the stored offset was trusted blindly: the worker sought to it, or to Kafka's committed
 * offset when nothing was stored, whatever the log looked like.
 *
 * Expected totals always come from groundTruth() of the events produced, never from the worker.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '@/lib/config';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { waitFor } from '@/lib/wait';
import { createKafka } from '@/lib/kafka/client';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence, type EventSequence } from '@/simulator/sequence';
import { createPostgresSink } from '@/worker/shell/postgres-sink';
import type { AggregateSink } from '@/worker/shell/sink';
import { createWorker, type Worker } from '@/worker/worker';
import { configFor, createTopics, deleteTopics, differences, freshDatabase, groundTruth, pipelineEnv, produce, readDailyTotals, readTopic } from '@/tests/support/pipeline';

type Database = Awaited<ReturnType<typeof freshDatabase>>;

const PARTITIONS = [0, 1, 2, 3, 4, 5];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A pipeline of its own: a fresh database, unique topics and group, the topics created. */
async function setUp(extra: Record<string, string> = {}) {
  const database = await freshDatabase();
  cleanups.push(database.drop);
  const env = pipelineEnv(database.url, { WORKER_SESSION_TIMEOUT_MS: '6000', ...extra });
  const cfg = configFor(env);
  const kafka = createKafka(cfg, 'it-positions');
  await createTopics(kafka, cfg);
  cleanups.push(() => deleteTopics(kafka, cfg));
  return { database, env, cfg, kafka };
}

/** Starts an in-process worker on a Kafka client of its own; it is stopped after the test whatever happens. */
async function startWorker(cfg: Config, name: string, sink?: AggregateSink): Promise<Worker> {
  const worker = createWorker({ cfg, kafka: createKafka(cfg, `it-positions-${name}`), recheckMs: 500, sink });
  cleanups.push(() => worker.stop());
  await worker.start();
  return worker;
}

/** The PostgreSQL sink with commits that can be slowed down, as on a busy database connection. */
function slowableSink(cfg: Config) {
  const sink = createPostgresSink(cfg.DATABASE_URL, 10);
  let delayMs = 0;
  return {
    setDelay: (ms: number) => void (delayMs = ms),
    sink: {
      loadPosition: (topic, partition) => sink.loadPosition(topic, partition),
      setBlocked: (topic, partition, reason) => sink.setBlocked(topic, partition, reason),
      commit: async (batch) => {
        if (delayMs > 0) await sleep(delayMs);
        return sink.commit(batch);
      },
      close: () => sink.close(),
    } satisfies AggregateSink,
  };
}

/** One simulated stream per test, taken in slices, so each slice is later in event time than the last. */
function eventStream(seed: number, start: string) {
  const sequence: EventSequence = createEventSequence({ seed, users: 500, clock: simulatedClock(Date.parse(start), 200) });
  return (count: number) => {
    const slice = sequence.take(count);
    return { messages: slice.map((m) => ({ key: m.key, value: m.value })), events: slice.map((m) => m.event as ClickstreamEvent) };
  };
}

async function withAdmin<T>(kafka: Kafka, fn: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Each partition's log start and end, as Kafka reports them now. */
async function partitionLogs(kafka: Kafka, topic: string): Promise<Map<number, { start: bigint; end: bigint }>> {
  const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  return new Map(offsets.map((o) => [o.partition, { start: BigInt(o.low), end: BigInt(o.high) }]));
}

async function clusterId(kafka: Kafka): Promise<string> {
  return withAdmin(kafka, async (admin) => (await admin.describeCluster()).clusterId);
}

/** partition_state rows of the topic by partition. */
async function states(db: Database['db'], topic: string) {
  const rows = await db.partitionState.findMany({ where: { topic }, orderBy: { partition: 'asc' } });
  return new Map(rows.map((r) => [r.partition, r]));
}

const sum = (xs: Iterable<bigint>) => Number([...xs].reduce((s, x) => s + x, 0n));

/** Polls until `check` holds (true; a string says what it saw instead); fails naming what was awaited and what was last seen. */
async function waitUntil(what: string, check: () => boolean | string | Promise<boolean | string>, timeoutMs = 60_000): Promise<void> {
  // In an object, so that TypeScript does not narrow it to its initial value (the callback assigns it).
  const seen: { last: boolean | string } = { last: false };
  const ok = await waitFor(async () => (seen.last = await check()) === true, timeoutMs, 200);
  if (!ok) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}${typeof seen.last === 'string' ? ` (last seen: ${seen.last})` : ''}`);
}

/** Waits until every partition's stored next offset is its log end and `processed` sums to `total`; fails at once past it. */
async function waitUntilCountedToEnd(db: Database['db'], kafka: Kafka, topic: string, total: number, timeoutMs = 60_000): Promise<void> {
  const logs = await partitionLogs(kafka, topic);
  await waitUntil(
    `every partition is counted to its end and ${total} events are counted`,
    async () => {
      const rows = await states(db, topic);
      const at = PARTITIONS.map((p) => `${p}:${rows.get(p)?.nextOffset ?? '-'}/${logs.get(p)?.end ?? '?'}`).join(' ');
      const processed = sum([...rows.values()].map((r) => r.processed));
      if (processed > total) throw new Error(`${processed} events counted, more than the ${total} produced (next/end ${at})`);
      const done = PARTITIONS.every((p) => rows.get(p)?.nextOffset === logs.get(p)?.end) && processed === total;
      return done || `next/end ${at}, processed ${processed}`;
    },
    timeoutMs,
  );
}

/** The samples of one metric on the worker's /metrics, with their labels. */
async function metricSamples(worker: Worker, name: string): Promise<{ labels: Record<string, string>; value: number }[]> {
  const endpoint = worker.endpoint();
  if (endpoint === null) throw new Error('the worker has no metrics endpoint');
  const text = await (await fetch(`${endpoint}/metrics`)).text();
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l): [string, string] => [l[1] ?? '', l[2] ?? '']));
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** One metric's value per partition label (partitions without a sample are left out). */
async function metricByPartition(worker: Worker, name: string): Promise<Map<number, number>> {
  return new Map((await metricSamples(worker, name)).map((s) => [Number(s.labels.partition), s.value]));
}

/** Deletes the events topic, waits until Kafka no longer lists it, and creates it again, empty. */
async function recreateEventsTopic(kafka: Kafka, cfg: Config): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    await admin.deleteTopics({ topics: [cfg.TOPIC_EVENTS], timeout: 30_000 });
    const gone = await waitFor(async () => !(await admin.listTopics()).includes(cfg.TOPIC_EVENTS), 30_000, 200);
    if (!gone) throw new Error(`topic ${cfg.TOPIC_EVENTS} still listed 30 s after deleting it`);
  });
  // The broker may still be removing the old partitions for a moment: retry until creation takes.
  let error = '';
  const created = await waitFor(
    async () =>
      createTopics(kafka, cfg).then(
        () => true,
        (err: unknown) => ((error = (err as Error).message), false),
      ),
    30_000,
    500,
  );
  if (!created) throw new Error(`could not re-create ${cfg.TOPIC_EVENTS}: ${error}`);
  const logs = await partitionLogs(kafka, cfg.TOPIC_EVENTS);
  expect([...logs.values()].every((l) => l.end === 0n), 'the re-created topic is empty').toBe(true);
}

/** `npm run positions -- <args>` as a real child process on the test's database, broker and topic. */
function runPositions(cfg: Config, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: cfg.DATABASE_URL, KAFKA_BROKERS: cfg.KAFKA_BROKERS.join(','), TOPIC_EVENTS: cfg.TOPIC_EVENTS };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/positions/main.ts', ...args], { env, timeout: 60_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Produces `events`, has a worker count them to the partitions' ends, and stops it. */
async function countedRun(setup: Awaited<ReturnType<typeof setUp>>, events: ReturnType<ReturnType<typeof eventStream>>): Promise<void> {
  const { database, cfg, kafka } = setup;
  const worker = await startWorker(cfg, 'first');
  await produce(kafka, cfg.TOPIC_EVENTS, events.messages);
  await waitUntilCountedToEnd(database.db, kafka, cfg.TOPIC_EVENTS, events.events.length);
  await worker.stop();
}

/**
 * A first run counted to the end and stopped, then the events topic deleted and re-created with
 * `secondCount` new events: returns both runs' events, the stored positions and Kafka's new offsets.
 */
async function firstRunThenRecreate(setup: Awaited<ReturnType<typeof setUp>>, seed: number, start: string, firstCount: number, secondCount: number) {
  const { database, cfg, kafka } = setup;
  const next = eventStream(seed, start);
  const first = next(firstCount);
  await countedRun(setup, first);
  const before = await states(database.db, cfg.TOPIC_EVENTS);

  await recreateEventsTopic(kafka, cfg);
  const second = next(secondCount);
  await produce(kafka, cfg.TOPIC_EVENTS, second.messages);
  const logs = await partitionLogs(kafka, cfg.TOPIC_EVENTS);
  return { first, second, before, logs };
}

describe('stored positions', () => {
  it('a topic deleted and re-created with fewer messages is refused (beyond the end), and resumes after `npm run positions -- reset --all --to earliest`', { timeout: 180_000 }, async () => {
    // Old design: the worker sought to the stored offsets, which lie beyond the new partitions'
    // ends; Kafka answered "offset out of range", kafkajs reset to the earliest offset, and the
    // handler dropped every message below the stored offset: the new incarnation was skipped
    // silently, with no refusal, no health status and no metric.
    const setup = await setUp();
    const { database, cfg, kafka } = setup;
    const { first, second, before, logs } = await firstRunThenRecreate(setup, 31, '2026-05-01T10:00:00Z', 12_000, 600);
    for (const p of PARTITIONS) {
      expect(logs.get(p)?.end, `precondition: partition ${p} of the new incarnation ends below the stored offset`).toBeLessThan(before.get(p)?.nextOffset ?? 0n);
    }

    const worker = await startWorker(cfg, 'refusing');
    await waitUntil('the worker refuses all 6 partitions', () => worker.health().refused.length === 6 || JSON.stringify(worker.health()), 30_000);
    const health = worker.health();
    expect(health.status).toBe('refusing');
    expect(health.refused.map((r) => r.partition).sort()).toEqual(PARTITIONS);
    const rows = await states(database.db, cfg.TOPIC_EVENTS);
    const refusedMetric = await metricSamples(worker, 'clickstream_worker_partition_refused');
    for (const r of health.refused) {
      const stored = before.get(r.partition)?.nextOffset;
      expect(r.topic).toBe(cfg.TOPIC_EVENTS);
      expect(r.reason, `partition ${r.partition}'s reason`).toContain(`the stored next offset ${stored} is beyond the partition's end (${logs.get(r.partition)?.end})`);
      expect(rows.get(r.partition)?.blockedReason, `partition_state.blocked_reason of partition ${r.partition}`).toBe(r.reason);
      expect(refusedMetric.find((s) => s.labels.topic === cfg.TOPIC_EVENTS && s.labels.partition === String(r.partition))?.value, `refused metric of partition ${r.partition}`).toBe(1);
    }

    // A few rechecks later: still nothing of the new incarnation counted, nothing skipped or expired.
    await sleep(3_000);
    expect(worker.health().status).toBe('refusing');
    const held = await states(database.db, cfg.TOPIC_EVENTS);
    for (const p of PARTITIONS) {
      expect(held.get(p)?.nextOffset, `partition ${p}'s stored offset stays where it was`).toBe(before.get(p)?.nextOffset);
      expect(held.get(p)?.processed, `partition ${p}'s processed count`).toBe(before.get(p)?.processed);
      expect(held.get(p)?.expired, `partition ${p}: nothing recorded as expired`).toBe(0n);
    }
    expect(differences(groundTruth(first.events), await readDailyTotals(database.db)), 'totals are still the first run only').toEqual([]);

    const cluster = await clusterId(kafka);
    const reset = await runPositions(cfg, ['reset', '--all', '--to', 'earliest']);
    expect(reset.stderr).toBe('');
    expect(reset.code).toBe(0);
    expect(reset.stdout.trim().split('\n')).toEqual(
      PARTITIONS.map(
        (p) =>
          `${cfg.TOPIC_EVENTS} partition ${p}: next offset ${before.get(p)?.nextOffset} (cluster ${cluster}) -> 0 (cluster ${cluster}); aggregates counted so far are kept; events from offset 0 will be counted`,
      ),
    );

    // The same worker, still running, notices the reset on its own and counts the new incarnation.
    await waitUntilCountedToEnd(database.db, kafka, cfg.TOPIC_EVENTS, first.events.length + second.events.length);
    await waitUntil('the worker is ok again', () => worker.health().status === 'ok' || JSON.stringify(worker.health()));
    expect(worker.health().refused).toEqual([]);
    expect((await metricSamples(worker, 'clickstream_worker_partition_refused')).map((s) => s.value)).toEqual(PARTITIONS.map(() => 0));
    expect([...(await states(database.db, cfg.TOPIC_EVENTS)).values()].map((r) => r.blockedReason)).toEqual(PARTITIONS.map(() => null));
    expect(differences(groundTruth([...first.events, ...second.events]), await readDailyTotals(database.db))).toEqual([]);
  });

  it('a topic re-created with more messages than the stored offset is refused by the last-record check, and adopted with WORKER_ON_POSITION_MISMATCH=adopt', { timeout: 180_000 }, async () => {
    // Old design: the stored offsets lay inside the new incarnation, so the worker sought there and
    // went on: every record of the new topic below the stored offset was skipped without a word,
    // and adopting was not possible.
    const setup = await setUp();
    const { database, env, cfg, kafka } = setup;
    const { first, second, before, logs } = await firstRunThenRecreate(setup, 32, '2026-05-02T10:00:00Z', 3_000, 12_000);
    for (const p of PARTITIONS) {
      expect(logs.get(p)?.end, `precondition: partition ${p} of the new incarnation reaches past the stored offset`).toBeGreaterThan(before.get(p)?.nextOffset ?? Infinity);
    }

    let worker = await startWorker(cfg, 'refusing');
    await waitUntil('the worker refuses all 6 partitions', () => worker.health().refused.length === 6 || JSON.stringify(worker.health()), 30_000);
    expect(worker.health().status).toBe('refusing');
    const rows = await states(database.db, cfg.TOPIC_EVENTS);
    const refusedMetric = await metricByPartition(worker, 'clickstream_worker_partition_refused');
    for (const r of worker.health().refused) {
      const lastCounted = (before.get(r.partition)?.nextOffset ?? 0n) - 1n;
      expect(r.reason, `partition ${r.partition}'s reason`).toMatch(new RegExp(`^the record at offset ${lastCounted} is not the one counted there .*the topic was deleted and re-created$`));
      expect(rows.get(r.partition)?.blockedReason).toBe(r.reason);
      expect(refusedMetric.get(r.partition), `refused metric of partition ${r.partition}`).toBe(1);
    }
    const refusedSince = worker.health().refused.map((r) => r.since);
    // Several rechecks (every 500 ms) later the refusal stands: the stored position was not reset,
    // so nothing resumes the partition (it used to resume and be refused again every recheck).
    await sleep(2_000);
    expect(worker.health().status).toBe('refusing');
    expect(worker.health().refused.map((r) => r.since), 'the refusals were never lifted in between').toEqual(refusedSince);
    expect([...(await states(database.db, cfg.TOPIC_EVENTS)).values()].every((r) => r.blockedReason !== null), 'the stored refusals stand').toBe(true);
    const held = await states(database.db, cfg.TOPIC_EVENTS);
    for (const p of PARTITIONS) {
      expect(held.get(p)?.nextOffset, `partition ${p}'s stored offset stays where it was`).toBe(before.get(p)?.nextOffset);
      expect(held.get(p)?.processed).toBe(before.get(p)?.processed);
    }
    expect(differences(groundTruth(first.events), await readDailyTotals(database.db)), 'nothing of the new incarnation is counted').toEqual([]);
    await worker.stop();

    // The same stored positions with adopt: the new incarnation is counted from its earliest offset.
    worker = await startWorker(configFor({ ...env, WORKER_ON_POSITION_MISMATCH: 'adopt' }), 'adopting');
    await waitUntilCountedToEnd(database.db, kafka, cfg.TOPIC_EVENTS, first.events.length + second.events.length);
    expect(worker.health().status).toBe('ok');
    expect([...(await states(database.db, cfg.TOPIC_EVENTS)).values()].map((r) => r.blockedReason)).toEqual(PARTITIONS.map(() => null));
    expect(differences(groundTruth([...first.events, ...second.events]), await readDailyTotals(database.db))).toEqual([]);
  });

  it('a position stored for another Kafka cluster is refused, naming both clusters', { timeout: 120_000 }, async () => {
    // Old design: no cluster was stored, so a position was trusted on whatever cluster
    // KAFKA_BROKERS pointed at, and the worker counted on from it.
    const setup = await setUp();
    const { database, cfg, kafka } = setup;
    const next = eventStream(33, '2026-05-03T10:00:00Z');
    const first = next(3_000);
    await countedRun(setup, first);
    const cluster = await clusterId(kafka);
    expect([...(await states(database.db, cfg.TOPIC_EVENTS)).values()].map((r) => r.clusterId), 'the worker stores the cluster id').toEqual(PARTITIONS.map(() => cluster));

    await database.db.$executeRaw`UPDATE partition_state SET cluster_id = 'another-cluster'`;
    const before = await states(database.db, cfg.TOPIC_EVENTS);
    await produce(kafka, cfg.TOPIC_EVENTS, next(1_000).messages);

    const worker = await startWorker(cfg, 'refusing');
    await waitUntil('the worker refuses all 6 partitions', () => worker.health().refused.length === 6 || JSON.stringify(worker.health()), 30_000);
    expect(worker.health().status).toBe('refusing');
    const rows = await states(database.db, cfg.TOPIC_EVENTS);
    for (const r of worker.health().refused) {
      expect(r.reason, `partition ${r.partition}'s reason`).toBe(
        `the stored position (next offset ${before.get(r.partition)?.nextOffset}) belongs to Kafka cluster another-cluster, but the brokers now answering are cluster ${cluster}`,
      );
      expect(rows.get(r.partition)?.blockedReason).toBe(r.reason);
    }
    expect([...(await metricByPartition(worker, 'clickstream_worker_partition_refused')).values()]).toEqual(PARTITIONS.map(() => 1));
    await sleep(2_000);
    const held = await states(database.db, cfg.TOPIC_EVENTS);
    for (const p of PARTITIONS) {
      expect(held.get(p)?.nextOffset, `partition ${p}'s stored offset stays where it was`).toBe(before.get(p)?.nextOffset);
      expect(held.get(p)?.clusterId).toBe('another-cluster');
    }
    expect(differences(groundTruth(first.events), await readDailyTotals(database.db)), 'the events produced since are not counted').toEqual([]);
  });

  it('a stored offset below the log start goes on from the log start, recording exactly the expired offsets', { timeout: 180_000 }, async () => {
    // Old design: the worker sought to the stored offset below the log start; Kafka answered
    // "offset out of range", kafkajs reset to the earliest offset, the handler saw messages past the
    // stored offset and sought back to it, again and again: it never counted on, and the gap was
    // recorded nowhere.
    const setup = await setUp();
    const { database, cfg, kafka } = setup;
    const next = eventStream(34, '2026-05-04T10:00:00Z');
    const first = next(3_000);
    await countedRun(setup, first);
    const stored = new Map([...(await states(database.db, cfg.TOPIC_EVENTS))].map(([p, r]) => [p, r.nextOffset]));

    const second = next(6_000);
    await produce(kafka, cfg.TOPIC_EVENTS, second.messages);
    const ends = await partitionLogs(kafka, cfg.TOPIC_EVENTS);
    // On partitions 0, 2 and 4, retention (here deleteTopicRecords) removes the first half of what
    // the worker has not read yet, and everything before it.
    const cuts = new Map([0, 2, 4].map((p) => {
      const from = stored.get(p) ?? 0n;
      return [p, from + ((ends.get(p)?.end ?? 0n) - from) / 2n];
    }));
    await withAdmin(kafka, async (admin) => {
      await admin.fetchTopicMetadata({ topics: [cfg.TOPIC_EVENTS] }); // deleteTopicRecords needs the partition leaders loaded
      await admin.deleteTopicRecords({ topic: cfg.TOPIC_EVENTS, partitions: [...cuts].map(([partition, offset]) => ({ partition, offset: String(offset) })) });
    });
    const logs = await partitionLogs(kafka, cfg.TOPIC_EVENTS);
    for (const p of PARTITIONS) {
      expect(logs.get(p)?.start, `partition ${p}'s log start after deleting records`).toBe(cuts.get(p) ?? 0n);
      if (cuts.has(p)) expect(logs.get(p)?.start, `precondition: partition ${p}'s log start is beyond the stored offset`).toBeGreaterThan(stored.get(p) ?? 0n);
    }
    const expired = new Map(PARTITIONS.map((p) => [p, cuts.has(p) ? (cuts.get(p) ?? 0n) - (stored.get(p) ?? 0n) : 0n]));

    // The expected totals: the first run, plus the second run's events still in Kafka (offsets at
    // or past the log start), matched by their bytes to the events produced.
    const remaining = sum([...logs.values()].map((l) => l.end - l.start));
    const still = (await readTopic(kafka, cfg.TOPIC_EVENTS, remaining)).filter((r) => BigInt(r.offset) >= (stored.get(r.partition) ?? 0n)).map((r) => String(r.value));
    expect(still.length, 'the second-run events still in Kafka').toBe(second.events.length - sum(expired.values()));
    const byValue = new Map(second.messages.map((m, i) => [String(m.value), second.events[i] as ClickstreamEvent]));
    const survivors = still.map((v) => {
      const e = byValue.get(v);
      if (e === undefined) throw new Error(`a record in Kafka that was not produced by this test: ${v}`);
      return e;
    });
    expect(new Set(still).size, 'every surviving second-run event read back once').toBe(still.length);

    const worker = await startWorker(cfg, 'after-retention');
    // No seek loop: every partition is counted to its end promptly.
    await waitUntilCountedToEnd(database.db, kafka, cfg.TOPIC_EVENTS, first.events.length + survivors.length, 30_000);
    expect(worker.health().status).toBe('ok');
    const rows = await states(database.db, cfg.TOPIC_EVENTS);
    expect(new Map(PARTITIONS.map((p) => [p, rows.get(p)?.expired])), 'partition_state.expired: the deleted offsets never read').toEqual(expired);
    const metric = await metricByPartition(worker, 'clickstream_worker_expired_total');
    expect(new Map(PARTITIONS.map((p) => [p, metric.get(p) ?? 0])), 'clickstream_worker_expired_total by partition').toEqual(new Map([...expired].map(([p, n]) => [p, Number(n)])));
    expect(differences(groundTruth([...first.events, ...survivors]), await readDailyTotals(database.db))).toEqual([]);
  });

  it('with nothing stored, the worker counts from the earliest offset even when Kafka holds committed offsets for its group', { timeout: 120_000 }, async () => {
    // Old design: nothing stored for the group meant no seek, so the consumer started from Kafka's
    // committed offsets (here the partition ends) and never counted the events before them.
    const { database, cfg, kafka } = await setUp();
    const all = eventStream(35, '2026-05-05T10:00:00Z')(6_000);
    await produce(kafka, cfg.TOPIC_EVENTS, all.messages);
    const ends = await partitionLogs(kafka, cfg.TOPIC_EVENTS);
    await withAdmin(kafka, async (admin) => {
      await admin.setOffsets({ groupId: cfg.WORKER_GROUP_ID, topic: cfg.TOPIC_EVENTS, partitions: PARTITIONS.map((p) => ({ partition: p, offset: String(ends.get(p)?.end) })) });
      const [committed] = await admin.fetchOffsets({ groupId: cfg.WORKER_GROUP_ID, topics: [cfg.TOPIC_EVENTS] });
      const at = new Map(committed?.partitions.map((p) => [p.partition, BigInt(p.offset)]));
      expect(at, "precondition: the group's committed offsets are the partition ends").toEqual(new Map(PARTITIONS.map((p) => [p, ends.get(p)?.end])));
    });
    expect(await database.db.partitionState.count(), 'precondition: nothing stored').toBe(0);

    const worker = await startWorker(cfg, 'fresh');
    await waitUntilCountedToEnd(database.db, kafka, cfg.TOPIC_EVENTS, all.events.length);
    expect(worker.health().status).toBe('ok');
    expect(differences(groundTruth(all.events), await readDailyTotals(database.db))).toEqual([]);
  });

  it('a new WORKER_GROUP_ID, and two groups at once, on one database count no event twice', { timeout: 240_000 }, async () => {
    // Old design: positions were keyed by group, so a new group found nothing stored and counted
    // the whole topic again, and two groups at once each counted every event.
    const { database, env, cfg, kafka } = await setUp();
    const cfgB = configFor({ ...env, WORKER_GROUP_ID: `${cfg.WORKER_GROUP_ID}-b` });
    const next = eventStream(36, '2026-05-06T10:00:00Z');
    const events: ClickstreamEvent[] = [];
    const send = async (count: number) => {
      const slice = next(count);
      await produce(kafka, cfg.TOPIC_EVENTS, slice.messages);
      events.push(...slice.events);
    };
    const expectExact = async (when: string) => {
      const rows = await states(database.db, cfg.TOPIC_EVENTS);
      expect(sum([...rows.values()].map((r) => r.processed)), `${when}: partition_state.processed sums to the events produced`).toBe(events.length);
      expect(differences(groundTruth(events), await readDailyTotals(database.db)), `${when}: totals`).toEqual([]);
    };

    // Group A counts, then stops.
    const a = await startWorker(cfg, 'group-a');
    await send(6_000);
    await waitUntilCountedToEnd(database.db, kafka, cfg.TOPIC_EVENTS, events.length);
    await a.stop();

    // Group B, new to Kafka (no committed offsets), on the same database: goes on from what A counted.
    const slowB = slowableSink(cfgB);
    const b = await startWorker(cfgB, 'group-b', slowB.sink);
    await send(6_000);
    await waitUntilCountedToEnd(database.db, kafka, cfg.TOPIC_EVENTS, events.length);
    await sleep(1_000); // a group that re-counts would show it by now
    await expectExact('after the new group');
    expect([...(await states(database.db, cfg.TOPIC_EVENTS)).values()].every((r) => r.groupId === cfgB.WORKER_GROUP_ID), 'group B committed last on every partition').toBe(true);

    // Groups A and B at the same time, both reading every partition, with events arriving in
    // bursts. B's commits are slowed down, so A runs ahead and B's batches keep being fenced.
    const a2 = await startWorker(cfg, 'group-a-again');
    await waitUntil('group A has all 6 partitions again', () => (a2.health().assignment[cfg.TOPIC_EVENTS]?.length ?? 0) === 6);
    slowB.setDelay(250);
    for (let i = 0; i < 4; i++) {
      await send(15_000);
      await sleep(300);
    }
    await waitUntilCountedToEnd(database.db, kafka, cfg.TOPIC_EVENTS, events.length, 120_000);
    await sleep(1_000);
    await expectExact('with two groups at once');

    // Either group alone must still go on from where the other left each partition. (B's fenced
    // batches reloaded positions A had moved far past: B once re-fetched a batch ending before the
    // record it had to compare, counted nothing, resolved nothing, and fetched it again for ever.)
    slowB.setDelay(0);
    await a2.stop();
    await send(3_000);
    await waitUntilCountedToEnd(database.db, kafka, cfg.TOPIC_EVENTS, events.length);
    expect(b.health().status).toBe('ok');
    await expectExact('group B alone again');
  });

  it('`npm run positions -- reset` leaves a position that fits and is not refused alone, unless --force', { timeout: 120_000 }, async () => {
    // Without the guard, `reset --to earliest` on a healthy partition counts its events a second time.
    const setup = await setUp();
    const { database, cfg } = setup;
    await countedRun(setup, eventStream(35, '2026-05-05T10:00:00Z')(2_000));
    const before = await states(database.db, cfg.TOPIC_EVENTS);

    const refused = await runPositions(cfg, ['reset', '--partition', '0', '--to', 'earliest']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`${cfg.TOPIC_EVENTS} partition 0: left as it is: its stored position (next offset ${before.get(0)?.nextOffset}) fits`);
    expect((await states(database.db, cfg.TOPIC_EVENTS)).get(0)?.nextOffset).toBe(before.get(0)?.nextOffset);

    const forced = await runPositions(cfg, ['reset', '--partition', '0', '--to', 'earliest', '--force']);
    expect(forced.code).toBe(0);
    expect((await states(database.db, cfg.TOPIC_EVENTS)).get(0)?.nextOffset).toBe(0n);
  });
});

