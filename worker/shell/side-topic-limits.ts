/**
 * What the side-topic sender needs to know of a topic, read with the Kafka admin client: its
 * partitions (to send one partition at a time) and its `max.message.bytes` (the largest record
 * batch the broker accepts for it).
 */
import type { Admin, ConfigResourceTypes, PartitionMetadata } from 'kafkajs';

/** kafkajs's ConfigResourceTypes.TOPIC; its ESM entry does not export the enum at run time. */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes.TOPIC;

/** Used when a topic's max.message.bytes cannot be read (Kafka's own default is 1,048,588). */
export const FALLBACK_MAX_MESSAGE_BYTES = 1_000_000;

export interface TopicLimits {
  partitions: PartitionMetadata[];
  maxMessageBytes: number;
  /** False when max.message.bytes could not be read and FALLBACK_MAX_MESSAGE_BYTES stands in. */
  fromConfig: boolean;
}

/** The part of a kafkajs client this needs (a Kafka instance will do). */
export interface AdminSource {
  admin(): Pick<Admin, 'connect' | 'disconnect' | 'fetchTopicMetadata' | 'describeConfigs'>;
}

/**
 * Reads the topics' partitions (rejects when they cannot be read) and their max.message.bytes
 * (falling back to FALLBACK_MAX_MESSAGE_BYTES for a topic whose config cannot be read).
 */
export async function readTopicLimits(kafka: AdminSource, topics: string[]): Promise<Map<string, TopicLimits>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics });
    const configured = new Map<string, number>();
    try {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: TOPIC_RESOURCE, name, configNames: ['max.message.bytes'] })),
      });
      for (const r of described.resources) {
        const value = Number(r.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue);
        if (r.errorCode === 0 && Number.isSafeInteger(value) && value > 0) configured.set(r.resourceName, value);
      }
    } catch {
      // Not allowed to describe configs, or an old broker: the fallback stands in.
    }
    const limits = new Map<string, TopicLimits>();
    for (const topic of topics) {
      const partitions = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
      if (partitions.length === 0) throw new Error(`topic ${topic} has no partitions in the metadata`);
      const max = configured.get(topic);
      limits.set(topic, { partitions, maxMessageBytes: max ?? FALLBACK_MAX_MESSAGE_BYTES, fromConfig: max !== undefined });
    }
    return limits;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
