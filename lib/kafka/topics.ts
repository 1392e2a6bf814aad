/**
 * Topic administration: make sure the pipeline's topics exist with their partition counts,
 * replication factor and min.insync.replicas. Safe to call from every process at start-up,
 * concurrently: "already exists" is success.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, ConfigResourceTypes, Kafka, PartitionMetadata } from 'kafkajs';
import { config, type Config } from '@/lib/config';
import { logger } from '@/lib/log';
import { checkReplication, replicationFor, type ReplicationSettings } from './replication';

export interface TopicState {
  topic: string;
  /** True when this call created it. */
  created: boolean;
  partitions: number;
  /** Replicas per partition (the fewest, should they differ). */
  replicationFactor: number;
  /** The topic's min.insync.replicas, its own or the broker's default. */
  minInsyncReplicas: number | undefined;
  /** How an existing topic differs from what this call would have created; each is also logged. */
  warnings: string[];
}

const MIN_INSYNC = 'min.insync.replicas';
/** kafkajs's ConfigResourceTypes.TOPIC: under ESM only its first few exports can be imported by name. */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes.TOPIC;

function isAlreadyExists(err: unknown): boolean {
  const e = err as { type?: string; errors?: unknown[]; message?: string } | null;
  if (!e) return false;
  if (e.type === 'TOPIC_ALREADY_EXISTS') return true;
  // createTopics reports per-topic failures as a KafkaJSAggregateError.
  if (Array.isArray(e.errors) && e.errors.length > 0) return e.errors.every(isAlreadyExists);
  return false;
}

/** The process's TOPIC_REPLICATION_FACTOR and TOPIC_MIN_INSYNC_REPLICAS. */
function configuredReplication(): ReplicationSettings {
  const cfg = config();
  return { replicationFactor: cfg.TOPIC_REPLICATION_FACTOR, minInsyncReplicas: cfg.TOPIC_MIN_INSYNC_REPLICAS };
}

async function readMinInsyncReplicas(admin: Admin, topic: string): Promise<number | undefined> {
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: [MIN_INSYNC] }] });
  const entry = resources[0]?.configEntries.find((e) => e.configName === MIN_INSYNC);
  return entry ? Number(entry.configValue) : undefined;
}

/**
 * Creates `topic` with `partitions` partitions and the configured replication unless it exists;
 * asking for more replicas than the cluster has brokers throws a ConfigError. An existing topic
 * keeps its partition count and replication: adding partitions would move users to other
 * partitions, so changes are left to an operator (a warning says what differs).
 */
const RETRIABLE_METADATA = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * The topic's partitions; for a topic just created, once every one has a leader. Retries while the
 * brokers' metadata catches up with a new topic.
 */
async function topicPartitions(admin: Admin, topic: string, justCreated: boolean, timeoutMs = 30_000): Promise<PartitionMetadata[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const partitions = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions ?? [];
      if (!justCreated || (partitions.length > 0 && partitions.every((p) => p.leader >= 0))) return partitions;
      if (Date.now() > deadline) throw new Error(`topic ${topic}: partitions without a leader after ${timeoutMs / 1000} s`);
    } catch (err) {
      if (!RETRIABLE_METADATA.has((err as { type?: string }).type ?? '') || Date.now() > deadline) throw err;
    }
    await sleep(200);
  }
}

export async function ensureTopic(admin: Admin, topic: string, partitions: number, wanted: ReplicationSettings = configuredReplication()): Promise<TopicState> {
  let created = false;
  // Look first: asking to create an existing topic makes kafkajs log a warning every start-up.
  const exists = (await admin.listTopics()).includes(topic);
  const brokers = (await admin.describeCluster()).brokers.length;
  const target = replicationFor(brokers, wanted);
  if (!exists) checkReplication(target, brokers, wanted);
  try {
    if (!exists) {
      created = await admin.createTopics({
        topics: [{ topic, numPartitions: partitions, replicationFactor: target.replicationFactor, configEntries: [{ name: MIN_INSYNC, value: String(target.minInsyncReplicas) }] }],
        waitForLeaders: true,
      });
    }
  } catch (err) {
    // Another process won the race to create it.
    if (!isAlreadyExists(err)) throw err;
  }
  const found = await topicPartitions(admin, topic, created);
  const replicationFactor = found.length === 0 ? 0 : Math.min(...found.map((p) => p.replicas.length));
  if (created) return { topic, created, partitions: found.length, replicationFactor, minInsyncReplicas: target.minInsyncReplicas, warnings: [] };

  const minInsyncReplicas = await readMinInsyncReplicas(admin, topic);
  const differences: [string, number | undefined, number][] = [
    ['partition count', found.length, partitions],
    ['replication factor', replicationFactor, target.replicationFactor],
    [MIN_INSYNC, minInsyncReplicas, target.minInsyncReplicas],
  ];
  const warnings: string[] = [];
  for (const [what, actual, expected] of differences) {
    if (actual === expected) continue;
    warnings.push(`${what} ${String(actual)}, not ${expected}`);
    logger('kafka-topics').warn({ topic, expected, actual }, `topic exists with a different ${what}; leaving it as it is`);
  }
  return { topic, created, partitions: found.length, replicationFactor, minInsyncReplicas, warnings };
}

type TopicConfig = Pick<Config, 'TOPIC_EVENTS' | 'TOPIC_DLQ' | 'TOPIC_LATE' | 'EVENTS_PARTITIONS' | 'TOPIC_REPLICATION_FACTOR' | 'TOPIC_MIN_INSYNC_REPLICAS'>;

/** The events, dead-letter and late topics, each with cfg.EVENTS_PARTITIONS partitions and cfg's replication. */
export async function ensureTopics(kafka: Kafka, cfg: TopicConfig): Promise<TopicState[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const states: TopicState[] = [];
    const wanted = { replicationFactor: cfg.TOPIC_REPLICATION_FACTOR, minInsyncReplicas: cfg.TOPIC_MIN_INSYNC_REPLICAS };
    // The DLQ and late topics are keyed by userId too; the same count keeps a user on one partition number everywhere.
    for (const topic of [cfg.TOPIC_EVENTS, cfg.TOPIC_DLQ, cfg.TOPIC_LATE]) {
      states.push(await ensureTopic(admin, topic, cfg.EVENTS_PARTITIONS, wanted));
    }
    return states;
  } finally {
    await admin.disconnect();
  }
}
