import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '@/lib/config';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { createKafka } from '@/lib/kafka/client';
import { createEventProducer } from '@/lib/kafka/producer';
import { ensureTopic, ensureTopics } from '@/lib/kafka/topics';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';
import { deleteTopics, freshTopicName, partitionsByKey, readAll } from './simulator-kafka-helpers';

describe('the Kafka manager: topics and the typed producer', () => {
  let kafka: Kafka;
  const topics: string[] = [];
  const fresh = (what: string) => {
    const t = freshTopicName(what);
    topics.push(t);
    return t;
  };

  beforeAll(() => {
    kafka = createKafka(config(), 'it-producer');
  });
  afterAll(async () => {
    await deleteTopics(kafka, topics);
  });

  it('ensureTopics creates the events, DLQ and late topics once, and is idempotent under concurrency', async () => {
    const cfg = { TOPIC_EVENTS: fresh('events'), TOPIC_DLQ: fresh('dlq'), TOPIC_LATE: fresh('late'), EVENTS_PARTITIONS: 4 };
    const [a, b] = await Promise.all([ensureTopics(kafka, cfg), ensureTopics(kafka, cfg)]);
    for (const states of [a, b]) expect(states.map((s) => [s.topic, s.partitions])).toEqual([[cfg.TOPIC_EVENTS, 4], [cfg.TOPIC_DLQ, 4], [cfg.TOPIC_LATE, 4]]);
    // Each topic was created by exactly one of the two calls.
    for (let i = 0; i < 3; i++) expect([a[i]?.created, b[i]?.created].filter(Boolean)).toHaveLength(1);
    const again = await ensureTopics(kafka, cfg);
    expect(again.every((s) => !s.created && s.partitions === 4)).toBe(true);
  });

  it('keys events by userId: ours and a plain kafkajs producer put all of one user on one partition, the same one', async () => {
    const topic = fresh('keys');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopic(admin, topic, 6);
    await admin.disconnect();

    const events = createEventSequence({ seed: 5, users: 40, clock: simulatedClock(Date.UTC(2023, 8, 25), 100) })
      .take(600)
      .map((m) => m.event as ClickstreamEvent);
    const producer = createEventProducer(kafka, { topic });
    const results = await Promise.all([producer.send(events.slice(0, 300)), producer.send(events.slice(300))]);
    expect(results).toEqual([{ ok: true, count: 300 }, { ok: true, count: 300 }]);
    await producer.disconnect();

    // A plain client with kafkajs's defaults (its default partitioner is the Java-compatible murmur2).
    const plain = kafka.producer();
    await plain.connect();
    await plain.send({ topic, messages: events.map((e) => ({ key: e.userId, value: JSON.stringify({ ...e, plain: true }) })) });
    await plain.disconnect();

    const read = await readAll(kafka, topic, 1200);
    expect(read).toHaveLength(1200);
    for (const m of read) {
      const value = JSON.parse(m.value?.toString() ?? '') as ClickstreamEvent;
      expect(m.key).toBe(value.userId);
    }
    const byUser = partitionsByKey(read);
    expect(byUser.size).toBeGreaterThan(10);
    for (const [user, partitions] of byUser) expect([...partitions], user).toHaveLength(1);
    // With 40 users over 6 partitions, the keys do spread out.
    expect(new Set(read.map((m) => m.partition)).size).toBeGreaterThan(3);
  });

  it('sendRaw writes prepared messages with headers to any topic', async () => {
    const topic = fresh('raw');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopic(admin, topic, 2);
    await admin.disconnect();
    const producer = createEventProducer(kafka, { topic: 'unused' });
    const meta = await producer.sendRaw(topic, [{ key: 'user-1', value: 'not json', headers: { 'x-reason': 'message: is not valid JSON' } }]);
    expect(meta.length).toBeGreaterThan(0);
    await producer.disconnect();
    const [m] = await readAll(kafka, topic, 1);
    expect(m).toMatchObject({ key: 'user-1', headers: { 'x-reason': 'message: is not valid JSON' } });
    expect(m?.value?.toString()).toBe('not json');
  });

  it('reports a failed batch instead of dropping it: send resolves not-ok, sendRaw rejects', async () => {
    // Topics are not auto-created, so a missing topic fails every retry.
    const producer = createEventProducer(kafka, { topic: freshTopicName('missing'), retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 } });
    const event: ClickstreamEvent = { timestamp: '2023-09-25T14:30:00Z', userId: 'u1', eventType: 'login', sessionDuration: 1 };
    const result = await producer.send([event, event]);
    expect(result.ok).toBe(false);
    expect(result.count).toBe(2);
    await expect(producer.sendRaw(freshTopicName('missing'), [{ key: 'u1', value: 'x' }])).rejects.toThrow();
    await producer.disconnect();
    await producer.disconnect(); // idempotent
    await expect(producer.sendRaw('x', [{ value: 'x' }])).rejects.toThrow(/closed/);
  });
});
