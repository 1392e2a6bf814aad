/**
 * Exactly-once under failure: workers SIGKILLed mid-run and restarted, two workers splitting the
 * partitions, one leaving and the other taking over. Totals must equal the ground truth, and
 * user_session the sessions computed here from the records as Kafka holds them (a short session
 * gap and allowed lateness, so sessions split, freeze and close while partitions move), and the
 * overview's global_daily and global_minute_users the sums of those rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { waitFor } from '@/lib/wait';
import { createKafka } from '@/lib/kafka/client';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';
import { createWorker } from '@/worker/worker';
import {
  configFor,
  createTopics,
  deleteTopics,
  differences,
  freshDatabase,
  groundTruth,
  openSessionUsers,
  pipelineEnv,
  produce,
  readDailyTotals,
  readTopic,
  readUserSessions,
  sessionDifferences,
  sessionGroundTruth,
  waitForCommitted,
} from '@/tests/support/pipeline';
import { derivedTotalsDrift } from '@/tooling/db/derived-totals';
import { killRun } from '@/tests/support/kill-run';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** One simulated stream, taken in slices: each slice goes on where the last ended, with the same users. */
function simulatorStream(seed: number, start: string) {
  const sequence = createEventSequence({ seed, users: 500, clock: simulatedClock(Date.parse(start), 200) });
  return (count: number) => {
    const messages = sequence.take(count);
    return { messages: messages.map((m) => ({ key: m.key, value: m.value })), events: messages.map((m) => m.event as ClickstreamEvent) };
  };
}

/** Sessions of 10 s gaps, closing 30 s of event time after the watermark passes them (no event of these streams is late). */
const SESSIONS = { SESSION_GAP_MS: '10000', ALLOWED_LATENESS_MS: '30000' };

/** user_session against the sessions of the topic's records, as Kafka holds them; session_state holds exactly the users with open sessions. */
async function expectSessionsExact(db: Awaited<ReturnType<typeof freshDatabase>>['db'], kafka: ReturnType<typeof createKafka>, cfg: ReturnType<typeof configFor>, count: number) {
  const records = await readTopic(kafka, cfg.TOPIC_EVENTS, count, 120_000);
  expect(records).toHaveLength(count);
  const truth = sessionGroundTruth(records, { sessionGapMs: cfg.SESSION_GAP_MS, windowSizeMs: cfg.WINDOW_SIZE_MS, allowedLatenessMs: cfg.ALLOWED_LATENESS_MS, outOfOrdernessMs: cfg.OUT_OF_ORDERNESS_MS });
  const actual = await readUserSessions(db);
  expect(sessionDifferences(truth.sessions, actual)).toEqual([]);
  const rows = [...actual.values()];
  expect(rows.length, 'several sessions per user').toBeGreaterThan(new Set(rows.map((r) => r.userId)).size);
  expect(rows.some((r) => r.final) && rows.some((r) => !r.final), 'final sessions and open ones').toBe(true);
  const open = await openSessionUsers(db);
  expect(open.state).toEqual(open.rows);
  // user_daily's session columns, everyone's totals per day and users per window, kept by the same transactions, equal these rows' sums exactly.
  expect(await derivedTotalsDrift(db)).toEqual([]);
  return rows;
}

async function committed(db: Awaited<ReturnType<typeof freshDatabase>>['db'], groupId: string): Promise<number> {
  const rows = await db.partitionState.findMany({ where: { groupId } });
  return rows.reduce((s, r) => s + Number(r.nextOffset), 0);
}

describe('worker faults', () => {
  it('a worker SIGKILLed again and again (two in the group), and restarted, leaves totals and sessions exactly equal to the ground truth', { timeout: 300_000 }, async () => {
    const database = await freshDatabase();
    cleanups.push(database.drop);
    const env = pipelineEnv(database.url, { WORKER_SESSION_TIMEOUT_MS: '6000', LOG_LEVEL: 'error', ...SESSIONS });
    const cfg = configFor(env);
    const kafka = createKafka(cfg, 'it-faults');
    await createTopics(kafka, cfg);
    cleanups.push(() => deleteTopics(kafka, cfg));

    // Events keep coming until the kills are over, so every kill lands in the middle of the run.
    const { events, afterKills } = await killRun({
      env, kafka, cfg, cleanups, seed: 11, startIso: '2026-03-01T23:55:00Z',
      committed: async () => [await committed(database.db, cfg.WORKER_GROUP_ID)],
    });
    const progress = afterKills.map(([n]) => n ?? 0);
    await waitForCommitted(database.db, cfg, events.length, 240_000);

    expect(progress.every((n, k) => n > (progress[k - 1] ?? 0))).toBe(true);
    expect(progress[progress.length - 1]).toBeLessThan(events.length);
    const actual = await readDailyTotals(database.db);
    expect(differences(groundTruth(events), actual)).toEqual([]);
    expect(actual.size).toBe(groundTruth(events).size);
    const state = await database.db.partitionState.findMany({ where: { groupId: cfg.WORKER_GROUP_ID } });
    expect(state.reduce((s, r) => s + Number(r.processed), 0)).toBe(events.length);
    await expectSessionsExact(database.db, kafka, cfg, events.length);
  });

  it('two workers in one group split the partitions, one leaves, the other takes over, and totals and sessions stay exact', async () => {
    const database = await freshDatabase();
    cleanups.push(database.drop);
    const cfg = configFor(pipelineEnv(database.url, { WORKER_SESSION_TIMEOUT_MS: '6000', ...SESSIONS }));
    const kafka = createKafka(cfg, 'it-two');
    await createTopics(kafka, cfg);
    cleanups.push(() => deleteTopics(kafka, cfg));

    const a = createWorker({ cfg, kafka: createKafka(cfg, 'it-two-a') });
    const b = createWorker({ cfg, kafka: createKafka(cfg, 'it-two-b') });
    await a.start();
    await b.start();
    cleanups.push(() => a.stop(), () => b.stop());

    const mine = (w: typeof a) => w.health().assignment[cfg.TOPIC_EVENTS] ?? [];
    const split = await waitFor(() => Promise.resolve(mine(a).length > 0 && mine(b).length > 0 && mine(a).length + mine(b).length === 6), 60_000);
    expect(split).toBe(true);
    expect([...mine(a), ...mine(b)].sort()).toEqual([0, 1, 2, 3, 4, 5]);

    // One stream: sessions open when the first worker leaves go on with the second (from session_state).
    const stream = simulatorStream(21, '2026-04-01T10:00:00Z');
    const first = stream(30_000);
    await produce(kafka, cfg.TOPIC_EVENTS, first.messages);
    await waitForCommitted(database.db, cfg, 30_000);

    const leaving = mine(a);
    const handedOver = new Map((await database.db.partitionState.findMany()).map((r) => [r.partition, r.nextOffset]));
    await a.stop();
    const second = stream(20_000);
    await produce(kafka, cfg.TOPIC_EVENTS, second.messages);
    await waitForCommitted(database.db, cfg, 50_000, 120_000);
    expect(mine(b)).toHaveLength(6);

    const all = [...first.events, ...second.events];
    expect(differences(groundTruth(all), await readDailyTotals(database.db))).toEqual([]);
    const sessions = await expectSessionsExact(database.db, kafka, cfg, all.length);
    // Sessions of the leaving worker's partitions that span the handover: one row each.
    const spanning = sessions.filter((r) => leaving.includes(r.partition) && BigInt(r.firstOffset) < (handedOver.get(r.partition) ?? 0n) && BigInt(r.lastOffset) >= (handedOver.get(r.partition) ?? 0n));
    expect(spanning.length).toBeGreaterThan(0);
  });
});
