/**
 * Topic administration: make sure the pipeline's topics exist with their partition counts. Safe to
 * call from every process at start-up, concurrently: "already exists" is success.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { Config } from '../config';
import { logger } from '../log';

export interface TopicState {
  topic: string;
  /** True when this call created it. */
  created: boolean;
  partitions: number;
}

function isAlreadyExists(err: unknown): boolean {
  const e = err as { type?: string; errors?: unknown[]; message?: string } | null;
  if (!e) return false;
  if (e.type === 'TOPIC_ALREADY_EXISTS') return true;
  // createTopics reports per-topic failures as a KafkaJSAggregateError.
  if (Array.isArray(e.errors) && e.errors.length > 0) return e.errors.every(isAlreadyExists);
  return false;
}

/**
 * Creates `topic` with `partitions` partitions unless it exists. An existing topic keeps its
 * partition count: adding partitions would move users to other partitions, so that is left to an
 * operator (a warning says so).
 */
export async function ensureTopic(admin: Admin, topic: string, partitions: number): Promise<TopicState> {
  let created = false;
  // Look first: asking to create an existing topic makes kafkajs log a warning every start-up.
  const exists = (await admin.listTopics()).includes(topic);
  try {
    if (!exists) created = await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } catch (err) {
    // Another process won the race to create it.
    if (!isAlreadyExists(err)) throw err;
  }
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const actual = metadata.topics[0]?.partitions.length ?? 0;
  if (!created && actual !== partitions) {
    logger('kafka-topics').warn({ topic, expected: partitions, actual }, 'topic exists with a different partition count; leaving it as it is');
  }
  return { topic, created, partitions: actual };
}

/** The events, dead-letter and late topics, each with cfg.EVENTS_PARTITIONS partitions. */
export async function ensureTopics(kafka: Kafka, cfg: Pick<Config, 'TOPIC_EVENTS' | 'TOPIC_DLQ' | 'TOPIC_LATE' | 'EVENTS_PARTITIONS'>): Promise<TopicState[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const states: TopicState[] = [];
    // The DLQ and late topics are keyed by userId too; the same count keeps a user on one partition number everywhere.
    for (const topic of [cfg.TOPIC_EVENTS, cfg.TOPIC_DLQ, cfg.TOPIC_LATE]) {
      states.push(await ensureTopic(admin, topic, cfg.EVENTS_PARTITIONS));
    }
    return states;
  } finally {
    await admin.disconnect();
  }
}
