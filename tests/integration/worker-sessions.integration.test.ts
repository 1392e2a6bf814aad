/**
 * Sessions in the worker against the real broker and database (the 100,000-event comparison with an
 * independent reference, table and API, is sessions-simulated.integration.test.ts): open sessions
 * survive a restart through session_state, a
 * worker started with other session settings refuses to go on with the stored ones until they are
 * closed, and a reset closes them as they stand. Small settings (a 20 s gap, 10 s windows, 60 s of
 * lateness) make sessions split, merge, freeze and close within a short stream.
 */
import { execFile } from 'node:child_process';
import type { Kafka } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '@/lib/config';
import type { Db } from '@/lib/db/prisma';
import { createKafka } from '@/lib/kafka/client';
import { waitFor } from '@/lib/wait';
import { resetPosition } from '@/scripts/positions/positions';
import { createPartitionLogReader } from '@/worker/shell/partition-log';
import { createWorker, type Worker } from '@/worker/worker';
import {
  configFor,
  createTopics,
  deleteTopics,
  freshDatabase,
  pipelineEnv,
  produce,
  waitForCommitted,
} from '@/tests/support/pipeline';

const SMALL = { SESSION_GAP_MS: '20000', WINDOW_SIZE_MS: '10000', ALLOWED_LATENESS_MS: '60000', OUT_OF_ORDERNESS_MS: '5000' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface Setup {
  cfg: Config;
  kafka: Kafka;
  db: Db;
}

async function setUp(extra: Record<string, string> = SMALL): Promise<Setup> {
  const database = await freshDatabase();
  cleanups.push(database.drop);
  const cfg = configFor(pipelineEnv(database.url, extra));
  const kafka = createKafka(cfg, 'it-sessions');
  await createTopics(kafka, cfg);
  cleanups.push(() => deleteTopics(kafka, cfg));
  return { cfg, kafka, db: database.db };
}

async function startWorker(cfg: Config, name: string, chunkSize?: number): Promise<Worker> {
  const worker = createWorker({ cfg, kafka: createKafka(cfg, `it-sessions-${name}`), chunkSize, recheckMs: 500 });
  cleanups.push(() => worker.stop());
  await worker.start();
  return worker;
}

const json = (userId: string, iso: string, eventType = 'pageView', extra: Record<string, unknown> = {}) => ({
  key: userId,
  value: JSON.stringify({ timestamp: iso, userId, eventType, sessionDuration: 5, ...extra }),
});

/** `npm run positions -- <args>` as a real child process on the test's database, broker and topic. */
function runPositions(cfg: Config, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: cfg.DATABASE_URL, KAFKA_BROKERS: cfg.KAFKA_BROKERS.join(','), TOPIC_EVENTS: cfg.TOPIC_EVENTS };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/positions/main.ts', ...args], { env, timeout: 60_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

async function sessionsOf(db: Db, userId: string) {
  return db.userSession.findMany({ where: { userId }, orderBy: { startAt: 'asc' } });
}

describe('worker sessions', () => {
  it('a session that spans a worker restart is one row: the new worker resumes it from session_state', async () => {
    const p = await setUp();
    const first = await startWorker(p.cfg, 'before');
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, [json('span', '2026-02-11T10:00:00Z'), json('span', '2026-02-11T10:00:08Z', 'click')]);
    await waitForCommitted(p.db, p.cfg, 2);
    await first.stop();
    expect((await p.db.sessionState.findMany()).map((r) => r.userId)).toEqual(['span']);
    expect(await sessionsOf(p.db, 'span')).toMatchObject([{ eventCount: 2, final: false }]);

    await startWorker(p.cfg, 'after');
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, [json('span', '2026-02-11T10:00:16Z', 'addToCart', { productId: 'p-1' }), json('span', '2026-02-11T10:00:20Z', 'purchase', { productId: 'p-1' })]);
    await waitForCommitted(p.db, p.cfg, 4);
    const rows = await sessionsOf(p.db, 'span');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ startAt: new Date('2026-02-11T10:00:00Z'), endAt: new Date('2026-02-11T10:00:20Z'), eventCount: 4, pageViews: 1, clickedPageViews: 1, funnelStep: 3, converted: true, firstOffset: 0n, lastOffset: 3n, final: false });
  });

  it('a worker with another SESSION_GAP_MS refuses the partition holding open sessions, says what changed and how to resolve it; close-sessions resolves it', { timeout: 180_000 }, async () => {
    const p = await setUp();
    const first = await startWorker(p.cfg, 'gap-20s');
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, [json('gap', '2026-02-12T10:00:00Z'), json('gap', '2026-02-12T10:00:10Z')]);
    await waitForCommitted(p.db, p.cfg, 2);
    await first.stop();
    const partition = (await p.db.sessionState.findFirstOrThrow()).partition;

    const cfg = configFor({ ...pipelineEnv(p.cfg.DATABASE_URL), ...SMALL, SESSION_GAP_MS: '60000', TOPIC_EVENTS: p.cfg.TOPIC_EVENTS, TOPIC_DLQ: p.cfg.TOPIC_DLQ, TOPIC_LATE: p.cfg.TOPIC_LATE, WORKER_GROUP_ID: p.cfg.WORKER_GROUP_ID });
    const second = await startWorker(cfg, 'gap-60s');
    const refused = await waitFor(() => Promise.resolve(second.health().refused.length > 0), 60_000);
    expect(refused, JSON.stringify(second.health())).toBe(true);
    const reason = 'its open sessions (session_state) were built with other settings: SESSION_GAP_MS was 20000 and is 60000 now';
    expect(second.health()).toMatchObject({ status: 'refusing', refused: [{ topic: p.cfg.TOPIC_EVENTS, partition, reason }] });
    expect((await p.db.partitionState.findUniqueOrThrow({ where: { topic_partition: { topic: p.cfg.TOPIC_EVENTS, partition } } })).blockedReason).toBe(reason);
    // Nothing is dropped or counted meanwhile.
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, [json('gap', '2026-02-12T10:00:40Z')]);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await sessionsOf(p.db, 'gap')).toMatchObject([{ eventCount: 2, final: false }]);
    expect(await p.db.sessionState.count()).toBe(1);

    const other = await runPositions(cfg, ['close-sessions', '--partition', String((partition + 1) % 6)]);
    expect(other.code).toBe(1); // not refused: left alone
    expect(other.stdout).toMatch(/left as it is: no worker refuses it for its sessions/);
    const closed = await runPositions(cfg, ['close-sessions', '--partition', String(partition)]);
    expect(closed.stderr).toBe('');
    expect(closed.code).toBe(0);
    expect(closed.stdout.trim()).toBe(`${cfg.TOPIC_EVENTS} partition ${partition}: 1 open session closed as it stood (final); the position stays; a worker refusing it goes on within seconds, with the settings it runs with`);

    // The refusing worker looks again, goes on with the new gap: the event 30 s later starts a new session.
    await waitForCommitted(p.db, p.cfg, 3, 30_000);
    expect(second.health().refused).toEqual([]);
    expect(await sessionsOf(p.db, 'gap')).toMatchObject([
      { startAt: new Date('2026-02-12T10:00:00Z'), eventCount: 2, final: true },
      { startAt: new Date('2026-02-12T10:00:40Z'), eventCount: 1, final: false },
    ]);
    const stored = await p.db.sessionState.findFirstOrThrow();
    expect(stored.openSessions).toMatchObject({ settings: { sessionGapMs: 60_000, allowedLatenessMs: 60_000, windowSizeMs: 10_000 } });
  });

  it('a reset closes the partition\'s open sessions as they stand, with the position, in one transaction', async () => {
    const p = await setUp();
    const worker = await startWorker(p.cfg, 'before-reset');
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, [json('reset', '2026-02-13T10:00:00Z'), json('reset', '2026-02-13T10:00:05Z')]);
    await waitForCommitted(p.db, p.cfg, 2);
    await worker.stop();
    const partition = (await p.db.sessionState.findFirstOrThrow()).partition;

    const logs = createPartitionLogReader(p.kafka);
    try {
      const log = (await logs.read(p.cfg.TOPIC_EVENTS)).get(partition);
      if (!log) throw new Error('no such partition');
      const outcome = await resetPosition(p.db, p.cfg.TOPIC_EVENTS, partition, log, 'latest', true);
      expect(outcome.done).toBe(true);
    } finally {
      await logs.close();
    }
    expect(await p.db.sessionState.count()).toBe(0);
    expect(await sessionsOf(p.db, 'reset')).toMatchObject([{ eventCount: 2, final: true }]);

    // Counting goes on from the reset position with no open sessions: a new event starts a new one.
    await startWorker(p.cfg, 'after-reset');
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, [json('reset', '2026-02-13T10:00:10Z')]);
    await waitForCommitted(p.db, p.cfg, 3);
    expect(await sessionsOf(p.db, 'reset')).toMatchObject([
      { startAt: new Date('2026-02-13T10:00:00Z'), eventCount: 2, final: true },
      { startAt: new Date('2026-02-13T10:00:10Z'), eventCount: 1, final: false, firstOffset: 2n },
    ]);
  });
});
