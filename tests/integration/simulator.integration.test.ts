import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '@/lib/config';
import { decodeEvent } from '@/lib/events/decode';
import { waitFor } from '@/lib/wait';
import { createKafka } from '@/lib/kafka/client';
import { createSimulator, type Simulator } from '@/simulator/runner';
import { countMessages, deleteTopics, freshTopicName, partitionsByKey, readAll } from './simulator-kafka-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the simulator against the real broker', () => {
  let kafka: Kafka;
  let sim: Simulator;
  const topic = freshTopicName('simulator');

  beforeAll(() => {
    kafka = createKafka(config(), 'it-simulator');
    sim = createSimulator(kafka, config(), { topic, partitions: 6 });
  });
  afterAll(async () => {
    await sim.close();
    await deleteTopics(kafka, [topic]);
  });

  it('starts, ignores a second start, changes rate, stops idempotently, and counts only acknowledged events', async () => {
    expect(sim.status()).toMatchObject({ running: false, sent: 0, startedAt: null });

    const started = await sim.start({ rate: 200, users: 50, seed: 7 });
    expect(started).toMatchObject({ running: true, rate: 200, users: 50, seed: 7 });
    expect(started.startedAt).not.toBeNull();
    // Start while running is a no-op that reports the run in progress.
    expect(await sim.start({ rate: 9999, seed: 8 })).toMatchObject({ running: true, rate: 200, seed: 7, startedAt: started.startedAt });

    expect(await waitFor(() => Promise.resolve(sim.status().sent >= 100), 30_000, 50)).toBe(true);
    const slow0 = sim.status().sent;
    await sleep(2000);
    const slow = sim.status().sent - slow0;

    expect(sim.setRate(4000)).toMatchObject({ rate: 4000, running: true });
    await sleep(500); // let the bucket settle
    const fast0 = sim.status().sent;
    await sleep(2000);
    const fast = sim.status().sent - fast0;
    // A loose sanity check of direction, not a rate benchmark: 20x the target should give well over 3x.
    expect(fast).toBeGreaterThan(slow * 3);
    expect(() => sim.setRate(0)).toThrow(RangeError);
    expect(() => sim.setRate(1.5)).toThrow(RangeError);

    const [stopped, again] = await Promise.all([sim.stop(), sim.stop()]);
    expect(stopped.running).toBe(false);
    expect(again).toEqual(stopped);
    expect((await sim.stop()).sent).toBe(stopped.sent);
    expect(stopped.failed).toBe(0);
    expect(stopped.errors).toBe(0);
    // stop() flushed: every event counted as sent is on the topic, and nothing else.
    expect(await countMessages(kafka, topic)).toBe(stopped.sent);
    await sleep(300);
    expect(sim.status().sent).toBe(stopped.sent);
  });

  it('puts valid events on the topic keyed by userId, each user on one partition', async () => {
    const total = await countMessages(kafka, topic);
    const read = await readAll(kafka, topic, total);
    const options = { nowMs: Date.now(), maxFutureMs: 300_000 };
    for (const m of read) {
      const decoded = decodeEvent(m.value, options);
      if (!decoded.ok) throw new Error(decoded.reason);
      expect(m.key).toBe(decoded.event.userId);
    }
    const byUser = partitionsByKey(read);
    expect(byUser.size).toBeGreaterThan(20);
    for (const [user, partitions] of byUser) expect([...partitions], user).toHaveLength(1);
  });

  it('restarts after a stop with fresh counters and a new seed', async () => {
    const before = await countMessages(kafka, topic);
    const restarted = await sim.start({ rate: 500, seed: 9 });
    expect(restarted).toMatchObject({ running: true, seed: 9, sent: 0, failed: 0, users: 50 });
    expect(await waitFor(() => Promise.resolve(sim.status().sent >= 50), 30_000, 50)).toBe(true);
    const done = await sim.stop();
    expect(await countMessages(kafka, topic)).toBe(before + done.sent);
  });

  it('stops by itself after maxEvents, with exactly that many on the topic', async () => {
    const own = freshTopicName('simulator-count');
    const counted = createSimulator(kafka, config(), { topic: own, maxEvents: 777, startTimeMs: Date.UTC(2023, 8, 25) });
    try {
      await counted.start({ rate: 5000, users: 20, seed: 1 });
      const final = await counted.finished();
      expect(final).toMatchObject({ running: false, sent: 777, failed: 0 });
      expect(await countMessages(kafka, own)).toBe(777);
    } finally {
      await counted.close();
      await deleteTopics(kafka, [own]);
    }
  });

  it('rejects start with the reason when Kafka cannot be reached', async () => {
    const unreachable = createKafka({ ...config(), KAFKA_BROKERS: ['127.0.0.1:1'] }, 'it-simulator-down');
    // kafkajs retries a closed port with backoff for a while (about 15 s) before giving up.
    const down = createSimulator(unreachable, config(), { topic: freshTopicName('never') });
    await expect(down.start({ rate: 10 })).rejects.toThrow();
    expect(down.status()).toMatchObject({ running: false });
    expect(down.status().lastError).toBeTruthy();
    await down.close();
  });
});
