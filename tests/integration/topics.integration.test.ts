/**
 * The topics the project creates get an explicit replication factor and min.insync.replicas (as a
 * topic-level config, not the broker's default), checked with the admin API on the test broker
 * (one broker): asking for more replicas than that fails with one line, and an existing topic that
 * differs is left alone with warnings.
 */
import type { Admin, ConfigSource, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config, ConfigError } from '@/lib/config';
import { createKafka } from '@/lib/kafka/client';
import { ensureTopic, ensureTopics } from '@/lib/kafka/topics';
import { configFor, pipelineEnv } from '@/tests/support/pipeline';

/** kafkajs's ConfigSource.TOPIC_CONFIG (not importable by name under ESM). */
const TOPIC_CONFIG = 1 as ConfigSource.TOPIC_CONFIG;
const TOPIC_RESOURCE = 2;

let kafka: Kafka;
let admin: Admin;
const topics: string[] = [];

beforeAll(async () => {
  kafka = createKafka(config(), 'it-topics');
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  // Only those that exist: kafkajs retries deleting a missing topic for a long time.
  const existing = new Set(await admin.listTopics());
  await admin.deleteTopics({ topics: topics.filter((t) => existing.has(t)) });
  await admin.disconnect();
});

function freshConfig(extra: Record<string, string> = {}) {
  const cfg = configFor(pipelineEnv(config().DATABASE_URL, { EVENTS_PARTITIONS: '2', ...extra }));
  topics.push(cfg.TOPIC_EVENTS, cfg.TOPIC_DLQ, cfg.TOPIC_LATE);
  return cfg;
}

async function minInsyncReplicas(topic: string) {
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: ['min.insync.replicas'] }] });
  const entry = resources[0]?.configEntries.find((e) => e.configName === 'min.insync.replicas');
  return { value: entry?.configValue, source: entry?.configSource, isDefault: entry?.isDefault };
}

async function replicasPerPartition(topic: string): Promise<number[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return (topics[0]?.partitions ?? []).map((p) => p.replicas.length);
}

describe('topic replication', () => {
  it('creates the events, dead-letter and late topics with replication factor 1 and min.insync.replicas set on the topic', async () => {
    const cfg = freshConfig();
    const states = await ensureTopics(kafka, cfg);
    expect(states.map((s) => [s.created, s.replicationFactor, s.minInsyncReplicas, s.warnings])).toEqual([
      [true, 1, 1, []],
      [true, 1, 1, []],
      [true, 1, 1, []],
    ]);
    expect(cfg.TOPIC_REPLICATION_FACTOR).toBeUndefined();
    for (const topic of [cfg.TOPIC_EVENTS, cfg.TOPIC_DLQ, cfg.TOPIC_LATE]) {
      expect(await replicasPerPartition(topic)).toEqual([1, 1]);
      // A topic-level config, not the broker's min.insync.replicas showing through.
      expect(await minInsyncReplicas(topic)).toEqual({ value: '1', source: TOPIC_CONFIG, isDefault: false });
    }
    // Again: nothing created, nothing to warn about.
    const again = await ensureTopics(kafka, cfg);
    expect(again.map((s) => [s.created, s.replicationFactor, s.minInsyncReplicas, s.warnings])).toEqual([
      [false, 1, 1, []],
      [false, 1, 1, []],
      [false, 1, 1, []],
    ]);
  });

  it('refuses 2 replicas on one broker with one line naming TOPIC_REPLICATION_FACTOR and the broker count, creating nothing', async () => {
    const cfg = freshConfig({ TOPIC_REPLICATION_FACTOR: '2' });
    const error = await ensureTopics(kafka, cfg).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('invalid configuration: TOPIC_REPLICATION_FACTOR="2": the Kafka cluster has 1 broker; a topic cannot have more replicas than brokers');
    expect(await admin.listTopics()).not.toContain(cfg.TOPIC_EVENTS);
  });

  it('refuses a min.insync.replicas above the replication factor, naming TOPIC_MIN_INSYNC_REPLICAS', async () => {
    const cfg = freshConfig({ TOPIC_MIN_INSYNC_REPLICAS: '2' });
    await expect(ensureTopics(kafka, cfg)).rejects.toThrow(/^invalid configuration: TOPIC_MIN_INSYNC_REPLICAS="2": is more than the replication factor 1 /);
    expect(await admin.listTopics()).not.toContain(cfg.TOPIC_EVENTS);
  });

  it('leaves an existing topic with other settings as it is, and says what differs', async () => {
    const cfg = freshConfig();
    const topic = cfg.TOPIC_EVENTS;
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }], waitForLeaders: true });
    const state = await ensureTopic(admin, topic, 2, {});
    expect(state).toMatchObject({ created: false, partitions: 3, replicationFactor: 1, minInsyncReplicas: 2 });
    expect(state.warnings).toEqual(['partition count 3, not 2', 'min.insync.replicas 2, not 1']);
    expect((await minInsyncReplicas(topic)).value).toBe('2');
    expect(await replicasPerPartition(topic)).toEqual([1, 1, 1]);
  });
});
