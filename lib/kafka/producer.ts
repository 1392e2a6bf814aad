/**
 * The typed producer: events keyed by userId with kafkajs's default (Java-compatible murmur2)
 * partitioner, so every client, ours or not, puts a user on the same partition; acks from all
 * in-sync replicas; idempotent.
 *
 * Sends go out one at a time, in call order. kafkajs assigns idempotent sequence numbers when a
 * request is built and rolls them back when it fails, so overlapping sends to one partition can
 * break the sequence (OUT_OF_ORDER_SEQUENCE_NUMBER) after a failure; callers batch instead.
 * Failures are never swallowed: sendRaw rejects, send reports them in its result.
 */
import { Partitioners, type Kafka, type Message, type Producer, type RecordMetadata, type RetryOptions } from 'kafkajs';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { stopWithin } from '@/lib/shutdown';

export type SendOutcome = { ok: true; count: number } | { ok: false; count: number; error: Error };

export interface EventProducer {
  /** The topic send() writes to. */
  readonly topic: string;
  /** Connects (once; later calls wait for the same connection). send/sendRaw connect on demand. */
  connect(): Promise<void>;
  /** Sends a batch of events; resolves with whether Kafka acknowledged the whole batch. Never rejects. */
  send(events: readonly ClickstreamEvent[]): Promise<SendOutcome>;
  /** Sends prepared messages (keys, headers) to any topic; rejects when Kafka does not acknowledge them. */
  sendRaw(topic: string, messages: Message[]): Promise<RecordMetadata[]>;
  /** Waits for sends already queued, then disconnects; rejects after DISCONNECT_TIMEOUT_MS. Idempotent. */
  disconnect(): Promise<void>;
}

export interface EventProducerOptions {
  topic: string;
  /**
   * How long a send keeps retrying after a broker loss before it fails. kafkajs's idempotent default
   * is to retry forever, which would hide an outage from the caller; this bounds it (~45 s).
   */
  retry?: RetryOptions;
  /** Broker-side wait for the in-sync replicas' acknowledgements, ms. */
  ackTimeoutMs?: number;
}

/** How long disconnect() waits for queued sends and the disconnect (a send to a lost broker retries for ~45 s). */
export const DISCONNECT_TIMEOUT_MS = 2_000;

const DEFAULT_SEND_RETRY: RetryOptions = { initialRetryTime: 300, maxRetryTime: 10_000, retries: 8 };

/** The wire form of an event: key = userId, value = JSON. */
function eventMessage(event: ClickstreamEvent): Message {
  return { key: event.userId, value: JSON.stringify(event) };
}

export function createEventProducer(kafka: Kafka, options: EventProducerOptions): EventProducer {
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
    retry: options.retry ?? DEFAULT_SEND_RETRY,
  });
  const ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
  let connecting: Promise<void> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  let closing: Promise<void> | undefined;

  function connect(): Promise<void> {
    connecting ??= producer.connect().catch((err: unknown) => {
      connecting = undefined; // let the next call try again
      throw err;
    });
    return connecting;
  }

  function sendRaw(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    if (closed) return Promise.reject(new Error('the producer is closed'));
    if (messages.length === 0) return Promise.resolve([]);
    const run = queue.then(async () => {
      await connect();
      return producer.send({ topic, messages, acks: -1, timeout: ackTimeoutMs });
    });
    queue = run.catch(() => {});
    return run;
  }

  return {
    topic: options.topic,
    connect,
    sendRaw,
    async send(events) {
      try {
        await sendRaw(options.topic, events.map(eventMessage));
        return { ok: true, count: events.length };
      } catch (err) {
        return { ok: false, count: events.length, error: err instanceof Error ? err : new Error(String(err)) };
      }
    },
    disconnect() {
      closed = true;
      closing ??= stopWithin(
        'Kafka producer',
        DISCONNECT_TIMEOUT_MS,
        (async () => {
          await queue;
          if (connecting) {
            connecting = undefined;
            await producer.disconnect();
          }
        })(),
      );
      return closing;
    },
  };
}
