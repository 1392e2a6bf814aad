/**
 * The producer's disconnect is bounded: with nothing listening at the broker address, a queued send
 * would retry for most of a minute; disconnect gives up after DISCONNECT_TIMEOUT_MS and says so.
 * With the broker up it still waits for the sends already queued. (The consumer's bounded stop is
 * shown by a real worker in worker-sigterm.integration.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { config } from '@/lib/config';
import { createKafka } from '@/lib/kafka/client';
import { createEventProducer, DISCONNECT_TIMEOUT_MS } from '@/lib/kafka/producer';
import { ensureTopic } from '@/lib/kafka/topics';
import { stillWaitingFor } from '@/lib/shutdown';
import { configFor } from '@/tests/support/pipeline';

describe('the producer\'s disconnect', () => {
  it('gives up on a send queued for an unreachable broker after its limit, naming itself', async () => {
    const kafka = createKafka(configFor({ KAFKA_BROKERS: '127.0.0.1:19394' }), 'it-stop-unreachable');
    const producer = createEventProducer(kafka, { topic: 'it.unreachable' });
    const send = producer.sendRaw('it.unreachable', [{ key: 'u1', value: 'x' }]).then(() => 'sent', () => 'failed');
    const started = Date.now();
    const disconnect = producer.disconnect();
    expect(stillWaitingFor()).toContain('Kafka producer');
    await expect(disconnect).rejects.toThrow(/^Kafka producer did not stop within 2 s$/);
    const ms = Date.now() - started;
    expect(ms).toBeGreaterThanOrEqual(DISCONNECT_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(DISCONNECT_TIMEOUT_MS + 1_000);
    expect(stillWaitingFor()).not.toContain('Kafka producer');
    // The send had not got anywhere: the disconnect did not wait for kafkajs's retries.
    expect(await Promise.race([send, new Promise((r) => setTimeout(() => r('pending'), 10))])).toBe('pending');
  });

  it('with the broker up, still waits for the sends already queued', async () => {
    const kafka = createKafka(config(), 'it-stop-up');
    const topic = `it.stop.${randomUUID().slice(0, 8)}`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopic(admin, topic, 1);
      const producer = createEventProducer(kafka, { topic });
      const send = producer.sendRaw(topic, [{ key: 'u1', value: 'x' }]);
      await producer.disconnect();
      await expect(send).resolves.toHaveLength(1);
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    }
  });
});
