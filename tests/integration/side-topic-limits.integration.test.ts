/**
 * Size limits that must not stop a partition, against the real broker and database:
 *   - dead letters whose copies add up to three times the dead-letter topic's max.message.bytes,
 *     and one whose copy alone is over it (a 1 MiB invalid event plus its x-* headers);
 *   - a commit whose NOTIFY payload would be over PostgreSQL's 8000-byte limit (300 users with
 *     128-character ids over 200 days).
 * Each time the worker commits every message and the partition moves on.
 */
import { ConfigResourceTypes, type Kafka, type Message } from 'kafkajs';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '@/lib/config';
import type { Db } from '@/lib/db/prisma';
import { waitFor } from '@/lib/wait';
import { createKafka } from '@/lib/kafka/client';
import { parseNotice } from '@/web/live/commit-listener';
import { COMMIT_CHANNEL, MAX_NOTICE_BYTES, type CommitNotice } from '@/lib/contracts/commit-notice';
import { readTopicLimits } from '@/worker/shell/side-topic-limits';
import { createWorker } from '@/worker/worker';
import { configFor, createTopics, deleteTopics, freshDatabase, pipelineEnv, produce, readTopic, waitForCommitted } from '@/tests/support/pipeline';

/** Kafka's default max.message.bytes (our test broker allows 2 MiB; production clusters usually have this). */
const KAFKA_DEFAULT_MAX = 1_048_588;
const EVENTS_MAX = 8 * 1024 * 1024;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setMaxMessageBytes(kafka: Kafka, limits: Record<string, number>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const resources = Object.entries(limits).map(([name, max]) => ({ type: ConfigResourceTypes.TOPIC, name, configEntries: [{ name: 'max.message.bytes', value: String(max) }] }));
    await admin.alterConfigs({ validateOnly: false, resources });
  } finally {
    await admin.disconnect();
  }
  // The broker applies topic configs asynchronously; wait until it reports them.
  const applied = await waitFor(async () => {
    const read = await readTopicLimits(kafka, Object.keys(limits));
    return Object.entries(limits).every(([topic, max]) => read.get(topic)?.maxMessageBytes === max);
  }, 15_000);
  if (!applied) throw new Error('topic configs were not applied');
}

async function pipeline(): Promise<{ cfg: Config; kafka: Kafka; db: Db; url: string }> {
  const database = await freshDatabase();
  cleanups.push(database.drop);
  const cfg = configFor(pipelineEnv(database.url));
  const kafka = createKafka(cfg, 'it-side-limits');
  await createTopics(kafka, cfg);
  cleanups.push(() => deleteTopics(kafka, cfg));
  await setMaxMessageBytes(kafka, { [cfg.TOPIC_EVENTS]: EVENTS_MAX, [cfg.TOPIC_DLQ]: KAFKA_DEFAULT_MAX, [cfg.TOPIC_LATE]: KAFKA_DEFAULT_MAX });
  return { cfg, kafka, db: database.db, url: database.url };
}

async function startWorker(cfg: Config, kafka: Kafka) {
  const worker = createWorker({ cfg, kafka, chunkSize: 10_000 });
  await worker.start();
  cleanups.push(() => worker.stop());
  return worker;
}

async function totals(db: Db, cfg: Config) {
  const rows = await db.partitionState.findMany({ where: { topic: cfg.TOPIC_EVENTS } });
  const sum = (f: (r: (typeof rows)[number]) => bigint) => rows.reduce((s, r) => s + Number(f(r)), 0);
  return { processed: sum((r) => r.processed), invalid: sum((r) => r.invalid), late: sum((r) => r.late) };
}

const event = (userId: string, ms: number) => JSON.stringify({ timestamp: new Date(ms).toISOString(), userId, eventType: 'pageView', sessionDuration: 5 });

describe('side topics and notices at their size limits', () => {
  it('dead-letters 3 MB of invalid events and a 1 MiB one into a 1 MB-limited topic, and counts the valid ones after them', async () => {
    const p = await pipeline();
    // All on one partition, with one key (so all their dead-letter copies go to one partition of
    // the dead-letter topic, in one record batch if sent in one piece), produced in one batch so
    // the worker gets them in one fetch and one chunk.
    const invalid: Message[] = Array.from({ length: 40 }, (_, i) => ({ partition: 0, key: 'bad-user', value: Buffer.alloc(80_000, `not json ${i} `) }));
    const huge = Buffer.alloc(1024 * 1024, 'this is not JSON either ');
    invalid.push({ partition: 0, key: 'bad-user', value: huge });
    const now = Date.now();
    const valid: Message[] = Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: 'good-user', value: event('good-user', now - 60_000 + i * 1000) }));
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, [...invalid, ...valid], 1000);

    const worker = await startWorker(p.cfg, p.kafka);
    await waitForCommitted(p.db, p.cfg, invalid.length + valid.length, 90_000);
    expect(await totals(p.db, p.cfg)).toEqual({ processed: 10, invalid: 41, late: 0 });
    const [counted] = await p.db.$queryRaw<{ n: bigint }[]>`SELECT coalesce(sum(event_count), 0)::bigint AS n FROM user_daily WHERE user_id = 'good-user'`;
    expect(Number(counted?.n)).toBe(10);
    expect(worker.health().status).toBe('ok');

    const dlq = await readTopic(p.kafka, p.cfg.TOPIC_DLQ, invalid.length);
    const byOffset = new Map(dlq.map((m) => [Number(m.headers['x-source-offset']), m]));
    expect([...byOffset.keys()].sort((a, b) => a - b)).toEqual(invalid.map((_, i) => i));
    for (let i = 0; i < 40; i++) {
      const m = byOffset.get(i);
      expect(m?.value?.equals(invalid[i]?.value as Buffer)).toBe(true);
      expect(m?.headers['x-truncated']).toBeUndefined();
      expect(m?.headers['x-reason']).toMatch(/^[\w.]+: /);
    }
    const big = byOffset.get(40);
    const note = /^value: kept (\d+) of 1048576 bytes$/.exec(big?.headers['x-truncated'] ?? '');
    expect(note).not.toBeNull();
    const kept = Number(note?.[1]);
    expect(kept).toBeGreaterThan(1_000_000);
    expect(big?.value?.equals(huge.subarray(0, kept))).toBe(true);
    expect(big?.headers).toMatchObject({ 'x-source-topic': p.cfg.TOPIC_EVENTS, 'x-source-partition': '0', 'x-source-offset': '40' });
    expect(big?.headers['x-reason']).toBe('message: is 1048576 bytes, more than the 65536 allowed');
  });

  it('reads the side topics\' max.message.bytes from the broker', async () => {
    const p = await pipeline();
    const limits = await readTopicLimits(p.kafka, [p.cfg.TOPIC_DLQ, p.cfg.TOPIC_LATE]);
    expect(limits.get(p.cfg.TOPIC_DLQ)).toMatchObject({ maxMessageBytes: KAFKA_DEFAULT_MAX, fromConfig: true });
    expect(limits.get(p.cfg.TOPIC_DLQ)?.partitions).toHaveLength(p.cfg.EVENTS_PARTITIONS);
    expect(limits.get(p.cfg.TOPIC_LATE)?.maxMessageBytes).toBe(KAFKA_DEFAULT_MAX);
  });

  it('commits a chunk of 300 users with 128-character ids over 200 days, announcing it within NOTIFY\'s limit', async () => {
    const p = await pipeline();
    const listener = new pg.Client({ connectionString: p.url });
    await listener.connect();
    cleanups.push(() => listener.end());
    const payloads: string[] = [];
    listener.on('notification', (n) => {
      if (n.channel === COMMIT_CHANNEL && n.payload !== undefined) payloads.push(n.payload);
    });
    await listener.query(`LISTEN ${COMMIT_CHANNEL}`);

    // In event-time order, so none is late: user i on day floor(i * 2 / 3), 200 days in all.
    const first = Date.UTC(2025, 0, 1, 12);
    const users = Array.from({ length: 300 }, (_, i) => `user-${String(i).padStart(3, '0')}-`.padEnd(128, 'x'));
    const messages: Message[] = users.map((u, i) => ({ partition: 0, key: u, value: event(u, first + Math.floor((i * 2) / 3) * 86_400_000 + i * 1000) }));
    expect(new Set(messages.map((m) => String(m.value).slice(14, 24))).size).toBe(200);
    await produce(p.kafka, p.cfg.TOPIC_EVENTS, messages);

    await startWorker(p.cfg, p.kafka);
    await waitForCommitted(p.db, p.cfg, messages.length, 60_000);
    expect(await totals(p.db, p.cfg)).toEqual({ processed: 300, invalid: 0, late: 0 });
    expect(await p.db.userDaily.count()).toBe(300);

    // One commit for the whole chunk (not split up to make its notice fit), announced once, within
    // the limit, valid, with a user list that had to be cut and says so (listeners then refresh
    // every watched user).
    expect(await waitFor(() => Promise.resolve(payloads.length > 0), 10_000)).toBe(true);
    expect(payloads).toHaveLength(1);
    const payload = payloads[0] as string;
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_NOTICE_BYTES);
    const notice = parseNotice(payload) as CommitNotice;
    expect(notice).toBeDefined();
    expect(notice.events).toBe(300);
    expect(notice.usersTruncated).toBe(true);
    expect(notice.users.length).toBeGreaterThan(0);
    expect(notice.users.every((u) => users.includes(u))).toBe(true);
  });
});
