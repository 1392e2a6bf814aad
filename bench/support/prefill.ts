/**
 * The pre-filled topic the raw consumer and the workers read: `count` events from the simulator's
 * deterministic sequence (seed 42, `users` users, a simulated clock ending about now, so nothing is
 * late or in the future), keyed by userId with the default partitioner. The clock runs at the rate
 * the population sustains (simulator/session-model.ts sustainableRate, at most 2,000 events/s), so
 * the topic holds `users` users rather than the users the simulator would add to keep up a faster
 * rate: 10,000 users make about 40 events/s, and 1,000,000 events span about 7 hours.
 * Produced as fast as the broker takes it: values are encoded once, and several sends are in
 * flight at a time from a plain (non-idempotent) producer, but never two for one partition, so each
 * partition holds its events in the sequence's order. (Concurrent sends to one partition could land
 * in either order: with 500 users, whose 5,000-event sends span 40 minutes of event time, the worker
 * found events late that were not.)
 */
import { Partitioners, type Message, type PartitionMetadata } from 'kafkajs';
import type { BenchContext } from './context';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence, DEFAULT_SESSION_GAP_MS } from '@/simulator/sequence';
import { sustainableRate } from '@/simulator/session-model';

const PREFILL_SEED = 42;
/** The fastest event-time rate of the pre-filled events (how fast a live simulator would have made them). */
const MAX_PREFILL_EVENT_RATE = 2_000;

export interface Prefilled {
  topic: string;
  count: number;
  users: number;
  distinctUsers: number;
  produceSeconds: number;
  producedPerSecond: number;
  bytes: number;
}

/** The partition kafkajs's default partitioner (the producer's) gives a key, among `partitions`. */
export function partitionFor(partitions: number): (key: string) => number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId): PartitionMetadata => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  return (key) => partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}

/** The pre-filled events' sequence: `count` events of `users` users, at the rate they sustain, ending about now. */
export function prefillSequence(count: number, users: number) {
  const rate = Math.min(MAX_PREFILL_EVENT_RATE, sustainableRate(users, DEFAULT_SESSION_GAP_MS));
  const startMs = Date.now() - Math.ceil((count / rate) * 1000) - 60_000;
  return createEventSequence({ seed: PREFILL_SEED, users, clock: simulatedClock(startMs, rate) });
}

async function prefillTopic(ctx: BenchContext, label: string, count: number, users: number): Promise<Prefilled> {
  const topic = await ctx.createTopic(label);
  const sequence = prefillSequence(count, users);
  const producer = ctx.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const partitionOf = partitionFor(ctx.cfg.EVENTS_PARTITIONS);
  const chunk = 5_000;
  const inFlightMax = 8;
  const inFlight = new Set<Promise<void>>();
  /** Each partition's latest send: the next one for that partition starts after it. */
  const latest = new Map<number, Promise<void>>();
  const seen = new Set<string>();
  let bytes = 0;
  let failure: unknown;
  const started = performance.now();
  try {
    for (let i = 0; i < count && failure === undefined; i += chunk) {
      const n = Math.min(chunk, count - i);
      const byPartition = new Map<number, Message[]>();
      for (let j = 0; j < n; j++) {
        const m = sequence.next();
        const value = Buffer.from(m.value);
        bytes += value.length;
        seen.add(m.key);
        const partition = partitionOf(m.key);
        const messages = byPartition.get(partition);
        if (messages) messages.push({ key: m.key, value, partition });
        else byPartition.set(partition, [{ key: m.key, value, partition }]);
      }
      for (const [partition, messages] of byPartition) {
        const send: Promise<void> = (latest.get(partition) ?? Promise.resolve())
          .then(() => producer.send({ topic, acks: -1, messages }))
          .then(
            () => undefined,
            (err: unknown) => {
              failure ??= err;
            },
          )
          .finally(() => inFlight.delete(send));
        latest.set(partition, send);
        inFlight.add(send);
      }
      while (inFlight.size >= inFlightMax) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
  if (failure !== undefined) throw new Error(`could not pre-fill ${topic}: ${(failure as Error).message}`);
  const produceSeconds = (performance.now() - started) / 1000;
  return { topic, count, users, distinctUsers: seen.size, produceSeconds, producedPerSecond: count / produceSeconds, bytes };
}

/** The run's one pre-filled topic, made on first use. */
export function sharedPrefill(ctx: BenchContext): Promise<Prefilled> {
  return ctx.once('prefill', async () => {
    ctx.log(`pre-filling a topic with ${ctx.opts.events.toLocaleString('en-US')} events from ${ctx.opts.users.toLocaleString('en-US')} users ...`);
    const p = await prefillTopic(ctx, 'prefilled', ctx.opts.events, ctx.opts.users);
    ctx.log(`pre-filled ${p.topic}: ${Math.round(p.producedPerSecond).toLocaleString('en-US')} events/s produced (${p.produceSeconds.toFixed(1)} s)`);
    return p;
  });
}
