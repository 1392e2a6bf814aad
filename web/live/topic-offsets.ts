/**
 * The events topic's offsets from Kafka's admin API, for lag. One admin connection per process,
 * one request in flight at a time, answers cached for a second, and a short timeout so a broker
 * outage shows as "unreachable" instead of hanging the page.
 */
import type { Admin, Kafka } from 'kafkajs';
import { withTimeout } from './with-timeout';

export interface PartitionOffsets {
  partition: number;
  low: number;
  high: number;
}

export interface TopicOffsetsReader {
  /** The partitions' offsets, at most a second old; `fresh`: asked of Kafka now (a read that must see the newest commit). */
  latest(fresh?: boolean): Promise<PartitionOffsets[]>;
  /** Resolves when the broker answers a metadata request within the timeout. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export function createTopicOffsetsReader(kafka: Kafka, topic: string, cacheMs = 1000, timeoutMs = 2000): TopicOffsetsReader {
  let admin: Admin | undefined;
  let connecting: Promise<Admin> | undefined;
  let cached: { at: number; value: PartitionOffsets[] } | undefined;
  let inFlight: Promise<PartitionOffsets[]> | undefined;
  let closed = false;

  const connected = (): Promise<Admin> => {
    if (admin) return Promise.resolve(admin);
    connecting ??= (async () => {
      const a = kafka.admin({ retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1000 } });
      try {
        await a.connect();
      } catch (err) {
        connecting = undefined;
        await a.disconnect().catch(() => undefined);
        throw err;
      }
      admin = a;
      connecting = undefined;
      return a;
    })();
    return connecting;
  };

  const drop = async () => {
    const a = admin;
    admin = undefined;
    await a?.disconnect().catch(() => undefined);
  };

  /** One request to Kafka; its answer becomes the cached one. */
  const fetchNow = (): Promise<PartitionOffsets[]> =>
    withTimeout(
      (async () => {
        const a = await connected();
        const rows = await a.fetchTopicOffsets(topic);
        return rows.map((r) => ({ partition: r.partition, low: Number(r.low), high: Number(r.high) }));
      })(),
      timeoutMs,
      'Kafka',
    )
      .then((value) => {
        cached = { at: Date.now(), value };
        return value;
      })
      .catch(async (err: unknown) => {
        cached = undefined;
        await drop();
        throw err;
      });

  return {
    latest(fresh = false) {
      if (closed) return Promise.reject(new Error('closed'));
      if (fresh) return fetchNow();
      if (cached && Date.now() - cached.at < cacheMs) return Promise.resolve(cached.value);
      inFlight ??= fetchNow().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    async ping(ms) {
      await withTimeout(
        (async () => {
          const a = await connected();
          await a.describeCluster();
        })(),
        ms,
        'Kafka',
      ).catch(async (err: unknown) => {
        await drop();
        throw err;
      });
    },
    async close() {
      closed = true;
      await drop();
    },
  };
}
