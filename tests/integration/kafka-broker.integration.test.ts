import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '@/lib/config';
import { createKafka } from '@/lib/kafka/client';
import { waitFor } from '@/lib/wait';

describe('the real Kafka broker', () => {
  let kafka: Kafka;
  const topic = `it.broker.${randomUUID()}`;
  const groupId = `it-group-${randomUUID()}`;

  beforeAll(async () => {
    kafka = createKafka(config(), 'it-broker');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  async function produce(from: number, to: number) {
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const messages = [];
    for (let i = from; i < to; i++) messages.push({ key: `user-${i % 5}`, value: String(i) });
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();
  }

  async function consumeUntil(expected: number): Promise<{ seen: number[]; consumer: Consumer }> {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000 });
    const seen: number[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        seen.push(Number(message.value?.toString()));
      },
    });
    await waitFor(() => Promise.resolve(seen.length >= expected), 60_000);
    return { seen, consumer };
  }

  it('produces, consumes in a group, commits, and a restarted consumer resumes from the commits', async () => {
    await produce(0, 30);
    const first = await consumeUntil(30);
    expect(first.seen.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    await first.consumer.disconnect();

    const admin = kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    // A partition with no commit reports -1.
    const total = committed[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(total).toBe(30);

    await produce(30, 40);
    const second = await consumeUntil(10);
    // Give a wrongly rewound consumer time to show itself before checking.
    await new Promise((r) => setTimeout(r, 1000));
    await second.consumer.disconnect();
    expect(second.seen.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 30 + i));
  });
});
