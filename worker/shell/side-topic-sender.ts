/**
 * The batch handler's SideOutput for the dead-letter and late topics, on the worker's producer,
 * made so that no message, and no set of messages, is refused by the broker for its size (which
 * would retry the batch forever and stop its partition):
 *   - messages go out one target partition at a time (a send that fails for one partition must not
 *     carry another: kafkajs rolls back the idempotent sequence of every partition in a failed
 *     request, and the next send to a partition that did get written would be out of sequence);
 *   - each partition's messages are cut into sends under the topic's `max.message.bytes` less a
 *     margin, a message too big on its own shortened and marked (side-send-plan.ts);
 *   - if the broker still answers MESSAGE_TOO_LARGE or RECORD_LIST_TOO_LARGE, the send is halved,
 *     down to one message, which is then shortened further: a bounded number of attempts.
 * Partitions are chosen as the producer would (kafkajs's default partitioner: key hash, or round
 * robin without a key). Order is kept within each partition. The limits are read once, at start or
 * on a topic's first send, and again after a send fails (the topic may have changed).
 */
import { Partitioners, type Message } from 'kafkajs';
import type { EventProducer } from '@/lib/kafka/producer';
import type { Logger } from '@/lib/log';
import type { SideOutput } from './outcomes';
import { MIN_BUDGET_BYTES, planSideSends, sendBudget } from './side-send-plan';
import { readTopicLimits, type AdminSource, type TopicLimits } from './side-topic-limits';

const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/** True for the broker's "too large" answers, however kafkajs wrapped them (it nests them in `cause`). */
export function isTooLargeError(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    if (TOO_LARGE.has(String((e as { type?: unknown }).type))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export interface SideTopicSender extends SideOutput {
  /** Reads the topics' limits (once, at start). Never rejects: a topic not read now is read on its first send. */
  prepare(topics: string[]): Promise<void>;
}

export interface SideTopicSenderOptions {
  /** For reading the topics' partitions and max.message.bytes (the worker's Kafka client). */
  kafka: AdminSource;
  producer: Pick<EventProducer, 'sendRaw'>;
  log: Logger;
}

export function createSideTopicSender(o: SideTopicSenderOptions): SideTopicSender {
  const limits = new Map<string, TopicLimits>();
  const partitioner = Partitioners.DefaultPartitioner();

  function remember(read: Map<string, TopicLimits>): void {
    for (const [topic, l] of read) {
      limits.set(topic, l);
      const budget = sendBudget(l.maxMessageBytes);
      if (l.fromConfig) o.log.info({ topic, maxMessageBytes: l.maxMessageBytes, budget, partitions: l.partitions.length }, 'side topic limits read');
      else o.log.warn({ topic, assumedMaxMessageBytes: l.maxMessageBytes, budget }, "could not read the side topic's max.message.bytes; assuming the fallback");
    }
  }

  async function limitsOf(topic: string): Promise<TopicLimits> {
    const known = limits.get(topic);
    if (known) return known;
    const read = await readTopicLimits(o.kafka, [topic]);
    remember(read);
    return read.get(topic) as TopicLimits;
  }

  /** Sends one partition's messages in planned sends; halves or shortens a send the broker refuses as too large. */
  async function deliver(topic: string, partition: number, originals: Message[], budget: number): Promise<void> {
    for (const send of planSideSends(originals, budget)) {
      const part = originals.slice(send.first, send.first + send.count);
      try {
        await o.producer.sendRaw(topic, send.messages);
      } catch (err) {
        if (!isTooLargeError(err)) throw err;
        if (part.length > 1) {
          o.log.warn({ topic, partition, messages: part.length, bytes: send.bytes }, 'the broker refused a send as too large; halving it');
          const half = Math.ceil(part.length / 2);
          await deliver(topic, partition, part.slice(0, half), budget);
          await deliver(topic, partition, part.slice(half), budget);
          continue;
        }
        if (send.bytes <= MIN_BUDGET_BYTES) throw new Error(`${topic} partition ${partition} refuses even a message shortened to ${send.bytes} bytes`, { cause: err });
        const smaller = Math.max(MIN_BUDGET_BYTES, Math.floor(send.bytes / 2));
        o.log.warn({ topic, partition, bytes: send.bytes, budget: smaller }, 'the broker refused a message as too large; shortening it further');
        await deliver(topic, partition, part, smaller);
        continue;
      }
      const shortened = send.messages.filter((m, i) => m !== part[i]).length;
      if (shortened > 0) o.log.warn({ topic, partition, shortened, budget }, "shortened messages over the topic's size limit (see their x-truncated header)");
    }
  }

  return {
    async prepare(topics) {
      try {
        remember(await readTopicLimits(o.kafka, topics));
      } catch (err) {
        o.log.warn({ err: (err as Error).message, topics }, 'could not read the side topics; reading them on their first send');
      }
    },
    async send(topic, messages) {
      if (messages.length === 0) return;
      const l = await limitsOf(topic);
      const byPartition = new Map<number, Message[]>();
      for (const m of messages) {
        const partition = partitioner({ topic, partitionMetadata: l.partitions, message: m });
        const list = byPartition.get(partition) ?? [];
        list.push({ ...m, partition });
        byPartition.set(partition, list);
      }
      try {
        for (const [partition, list] of byPartition) await deliver(topic, partition, list, sendBudget(l.maxMessageBytes));
      } catch (err) {
        limits.delete(topic); // read partitions and limits afresh on the next attempt
        throw err;
      }
    },
  };
}
