/**
 * "The user's most recent events as they arrive": the web server runs its own kafkajs consumer on
 * the events topic, in a consumer group of its own (unique per process, so every web server sees
 * every event and the worker's group is untouched), starting from the latest offsets and never
 * committing (a restart simply resumes live). Each valid event goes into the bounded RecentEvents
 * memory and, when someone watches that user, to the room `user:<id>`.
 *
 * These are raw arrivals, shown as such; every number on the pages comes from the worker's
 * committed aggregates in PostgreSQL. The topic is created if missing (as every process does), and
 * a failed start is retried every 5 s.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Config } from '@/lib/config';
import { ensureTopic } from '@/lib/kafka/topics';
import { validateEvent } from '@/lib/events/decode';
import type { Logger } from '@/lib/log';
import type { RecentEvents } from './recent-events';
import type { RecentEvent } from '@/lib/contracts/dashboard';

export interface EventRelay {
  close(): Promise<void>;
}

export interface EventRelayOptions {
  kafka: Kafka;
  cfg: Config;
  log: Logger;
  recent: RecentEvents;
  /** Whether anyone watches this user right now. */
  watched: (userId: string) => boolean;
  emit: (event: RecentEvent) => void;
}

export function toRecentEvent(value: Buffer | null, partition: number, offset: string, nowMs: number, maxFutureMs: number): RecentEvent | undefined {
  if (!value || value.length > 64 * 1024) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  const result = validateEvent(parsed, { nowMs, maxFutureMs });
  if (!result.ok) return undefined;
  const e = result.event;
  return {
    userId: e.userId,
    eventType: e.eventType,
    timestamp: e.timestamp,
    sessionDuration: e.sessionDuration,
    page: e.page ?? null,
    productId: e.productId ?? null,
    partition,
    offset,
  };
}

export function startEventRelay(o: EventRelayOptions): EventRelay {
  const groupId = `${o.cfg.KAFKA_CLIENT_ID}-web-relay-${randomUUID()}`;
  let consumer: Consumer | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  async function run(): Promise<void> {
    if (closed) return;
    const c = o.kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3000, retry: { retries: 10 } });
    consumer = c;
    // kafkajs gives up after its retries and emits CRASH with restart=false for non-retriable
    // errors; start over then.
    c.on(c.events.CRASH, (e) => {
      if (closed || e.payload.restart) return;
      o.log.warn({ err: e.payload.error.message }, 'event relay crashed; restarting');
      scheduleRestart(c);
    });
    try {
      const admin = o.kafka.admin();
      await admin.connect();
      try {
        await ensureTopic(admin, o.cfg.TOPIC_EVENTS, o.cfg.EVENTS_PARTITIONS);
      } finally {
        await admin.disconnect();
      }
      await c.connect();
      await c.subscribe({ topic: o.cfg.TOPIC_EVENTS, fromBeginning: false });
      await c.run({
        autoCommit: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          const now = Date.now();
          for (const m of batch.messages) {
            const event = toRecentEvent(m.value, batch.partition, m.offset, now, o.cfg.MAX_FUTURE_MS);
            if (!event) continue;
            o.recent.add(event);
            if (o.watched(event.userId)) o.emit(event);
          }
          await payload.heartbeat();
        },
      });
      o.log.info({ topic: o.cfg.TOPIC_EVENTS }, 'relaying live events');
    } catch (err) {
      if (closed) return;
      o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'event relay could not start; retrying in 5 s');
      scheduleRestart(c);
    }
  }

  function scheduleRestart(c: Consumer) {
    if (closed || retry) return;
    if (consumer === c) consumer = undefined;
    retry = setTimeout(() => {
      retry = undefined;
      void c.disconnect().catch(() => undefined).then(run);
    }, 5000);
  }

  void run();

  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await consumer?.disconnect().catch(() => undefined);
    },
  };
}
