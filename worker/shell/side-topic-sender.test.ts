import { KafkaJSNonRetriableError, KafkaJSProtocolError, Partitioners, type Message, type PartitionMetadata } from 'kafkajs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BATCH_OVERHEAD_BYTES, messageBytes, sendBudget, TRUNCATED_HEADER } from './side-send-plan';
import { FALLBACK_MAX_MESSAGE_BYTES, type AdminSource } from './side-topic-limits';
import { createSideTopicSender, isTooLargeError } from './side-topic-sender';

const log = pino({ level: 'silent' });
const TOPIC = 'dlq';

const partitions = (n: number): PartitionMetadata[] => Array.from({ length: n }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1] }));

/** An admin client that knows one topic; `maxMessageBytes: null` makes describeConfigs fail. */
function fakeKafka(o: { partitions: number; maxMessageBytes: number | null }) {
  const calls = { metadata: 0, configs: 0 };
  const kafka: AdminSource = {
    admin: () => ({
      connect: async () => {},
      disconnect: async () => {},
      fetchTopicMetadata: ({ topics } = { topics: [] }) => {
        calls.metadata++;
        return Promise.resolve({ topics: topics.map((name) => ({ name, partitions: partitions(o.partitions) })) });
      },
      describeConfigs: ({ resources }) => {
        calls.configs++;
        if (o.maxMessageBytes === null) return Promise.reject(new Error('not authorized'));
        return Promise.resolve({
          throttleTime: 0,
          resources: resources.map((r) => ({
            resourceName: r.name,
            resourceType: r.type,
            errorCode: 0,
            errorMessage: '',
            configEntries: [{ configName: 'max.message.bytes', configValue: String(o.maxMessageBytes), isDefault: false, configSource: 1, isSensitive: false, readOnly: false, configSynonyms: [] }],
          })),
        });
      },
    }),
  };
  return { kafka, calls };
}

const tooLarge = () => new KafkaJSProtocolError({ type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false, message: 'too large' } as unknown as Error);

/** A producer that, like the broker, refuses a send whose record batch is over `brokerLimit`. */
function fakeProducer(brokerLimit: number, fail?: (messages: Message[]) => Error | undefined) {
  const sent: { topic: string; messages: Message[]; bytes: number }[] = [];
  let refused = 0;
  return {
    sent,
    refused: () => refused,
    producer: {
      sendRaw: (topic: string, messages: Message[]) => {
        const bytes = BATCH_OVERHEAD_BYTES + messages.reduce((n, m) => n + messageBytes(m), 0);
        const err = fail?.(messages) ?? (bytes > brokerLimit ? tooLarge() : undefined);
        if (err) {
          refused++;
          return Promise.reject(err);
        }
        sent.push({ topic, messages, bytes });
        return Promise.resolve([]);
      },
    },
  };
}

const dead = (i: number, valueBytes: number, key: string | null = `user-${i % 7}`): Message => ({
  key,
  value: Buffer.alloc(valueBytes, 97 + (i % 26)),
  headers: { 'x-reason': 'json: bad', 'x-source-offset': String(i) },
});
const offsetOf = (m: Message) => Number(String(m.headers?.['x-source-offset']));

/** Every message arrived once, each partition's in the order given. */
function expectAllDeliveredInOrder(sent: { messages: Message[] }[], given: Message[]) {
  const delivered = sent.flatMap((s) => s.messages);
  expect(delivered.map(offsetOf).sort((a, b) => a - b)).toEqual(given.map(offsetOf).sort((a, b) => a - b));
  const byPartition = new Map<number, number[]>();
  for (const m of delivered) byPartition.set(m.partition as number, [...(byPartition.get(m.partition as number) ?? []), offsetOf(m)]);
  for (const offsets of byPartition.values()) {
    const order = given.map(offsetOf).filter((o) => offsets.includes(o));
    expect(offsets).toEqual(order);
  }
}

describe('side-topic sender', () => {
  it('sends one partition per call, to the partition kafkajs would pick, under the topic limit less a margin', async () => {
    const { kafka } = fakeKafka({ partitions: 6, maxMessageBytes: 100_000 });
    const p = fakeProducer(100_000);
    const sender = createSideTopicSender({ kafka, producer: p.producer, log });
    await sender.prepare([TOPIC]);
    const messages = Array.from({ length: 60 }, (_, i) => dead(i, 9_000));
    await sender.send(TOPIC, messages);

    expectAllDeliveredInOrder(p.sent, messages);
    const partitioner = Partitioners.DefaultPartitioner();
    for (const s of p.sent) {
      expect(new Set(s.messages.map((m) => m.partition)).size).toBe(1);
      expect(s.bytes).toBeLessThanOrEqual(sendBudget(100_000));
      for (const m of s.messages) expect(m.partition).toBe(partitioner({ topic: TOPIC, partitionMetadata: partitions(6), message: { ...m, partition: undefined } }));
    }
    expect(p.refused()).toBe(0);
    expect(p.sent.some((s) => s.messages.length > 1)).toBe(true);
  });

  it('spreads messages without a key over partitions, each call still to one partition', async () => {
    const { kafka } = fakeKafka({ partitions: 3, maxMessageBytes: 1_000_000 });
    const p = fakeProducer(1_000_000);
    const sender = createSideTopicSender({ kafka, producer: p.producer, log });
    const messages = Array.from({ length: 30 }, (_, i) => dead(i, 10, null));
    await sender.send(TOPIC, messages);
    expectAllDeliveredInOrder(p.sent, messages);
    expect(new Set(p.sent.map((s) => s.messages[0]?.partition)).size).toBe(3);
    for (const s of p.sent) expect(new Set(s.messages.map((m) => m.partition)).size).toBe(1);
  });

  it('falls back to 1,000,000 bytes when the topic config cannot be read, and reads limits on first send when start could not', async () => {
    const { kafka, calls } = fakeKafka({ partitions: 1, maxMessageBytes: null });
    const p = fakeProducer(Number.MAX_SAFE_INTEGER);
    const sender = createSideTopicSender({ kafka, producer: p.producer, log });
    await sender.send(TOPIC, Array.from({ length: 30 }, (_, i) => dead(i, 60_000)));
    expect(calls.metadata).toBe(1);
    expect(Math.max(...p.sent.map((s) => s.bytes))).toBeLessThanOrEqual(sendBudget(FALLBACK_MAX_MESSAGE_BYTES));
    expect(Math.max(...p.sent.map((s) => s.bytes))).toBeGreaterThan(sendBudget(FALLBACK_MAX_MESSAGE_BYTES) - 61_000);
    await sender.send(TOPIC, [dead(99, 1)]);
    expect(calls.metadata).toBe(1); // read once
  });

  it('halves a send the broker refuses as too large, then shortens a lone message further, and delivers everything', async () => {
    // The topic says 1 MB but the broker takes 40 KB: the config lied, or changed after start.
    const { kafka } = fakeKafka({ partitions: 1, maxMessageBytes: 1_048_588 });
    const p = fakeProducer(40_000);
    const sender = createSideTopicSender({ kafka, producer: p.producer, log });
    const messages = [...Array.from({ length: 20 }, (_, i) => dead(i, 9_000)), dead(20, 300_000), dead(21, 5)];
    await sender.send(TOPIC, messages);

    expectAllDeliveredInOrder(p.sent, messages);
    for (const s of p.sent) expect(s.bytes).toBeLessThanOrEqual(40_000);
    const big = p.sent.flatMap((s) => s.messages).find((m) => offsetOf(m) === 20) as Message;
    const kept = (big.value as Buffer).length;
    expect(kept).toBeLessThan(40_000);
    expect(big.headers?.[TRUNCATED_HEADER]).toBe(`value: kept ${kept} of 300000 bytes`);
    expect(big.headers?.['x-reason']).toBe('json: bad');
    expect(p.refused()).toBeLessThan(20);
  });

  it('gives up after a bounded number of attempts when the broker refuses everything', async () => {
    const { kafka, calls } = fakeKafka({ partitions: 1, maxMessageBytes: 1_048_588 });
    const p = fakeProducer(0);
    const sender = createSideTopicSender({ kafka, producer: p.producer, log });
    await expect(sender.send(TOPIC, Array.from({ length: 16 }, (_, i) => dead(i, 100_000)))).rejects.toThrow(/refuses even a message shortened to \d+ bytes/);
    // 16 messages halve down to one (1 + 2 + 4 + 8 refusals of groups), then the first one's
    // value is shortened 1 MB → ~2 KB by halving: a few dozen tries, not forever.
    expect(p.refused()).toBeLessThan(40);
    // The failure makes the next attempt read the topic afresh.
    const before = calls.metadata;
    await sender.send(TOPIC, [dead(1, 1)]).catch(() => {});
    expect(calls.metadata).toBe(before + 1);
  });

  it('passes other errors on (the batch handler retries them) without shortening anything', async () => {
    const { kafka } = fakeKafka({ partitions: 1, maxMessageBytes: 1_048_588 });
    const down = new Error('Connection error: ECONNREFUSED');
    const p = fakeProducer(Number.MAX_SAFE_INTEGER, () => down);
    const sender = createSideTopicSender({ kafka, producer: p.producer, log });
    await expect(sender.send(TOPIC, [dead(1, 10), dead(2, 10)])).rejects.toBe(down);
    expect(p.refused()).toBe(1);
  });

  it('recognises the broker\'s "too large" answers however kafkajs wraps them', () => {
    const record = new KafkaJSProtocolError({ type: 'RECORD_LIST_TOO_LARGE', code: 18, retriable: false, message: 'x' } as unknown as Error);
    expect(isTooLargeError(tooLarge())).toBe(true);
    expect(isTooLargeError(record)).toBe(true);
    expect(isTooLargeError(Object.assign(new KafkaJSNonRetriableError('wrapped'), { cause: tooLarge() }))).toBe(true);
    expect(isTooLargeError(new KafkaJSProtocolError({ type: 'NOT_LEADER_FOR_PARTITION', code: 6, retriable: true, message: 'x' } as unknown as Error))).toBe(false);
    expect(isTooLargeError(new Error('MESSAGE_TOO_LARGE'))).toBe(false);
    expect(isTooLargeError(null)).toBe(false);
  });
});
