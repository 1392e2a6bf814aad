import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@/lib/config';
import { checkReplication, replicationFor } from './replication';

describe('replicationFor', () => {
  it.each([
    [1, 1, 1],
    [2, 2, 1],
    [3, 3, 2],
    [5, 3, 2],
  ])('unset, on %i brokers: replication factor %i, min.insync.replicas %i', (brokers, rf, isr) => {
    expect(replicationFor(brokers, {})).toEqual({ replicationFactor: rf, minInsyncReplicas: isr });
  });

  it('takes what is configured, deriving min.insync.replicas from an explicit replication factor', () => {
    expect(replicationFor(5, { replicationFactor: 4 })).toEqual({ replicationFactor: 4, minInsyncReplicas: 3 });
    expect(replicationFor(5, { replicationFactor: 1 })).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
    expect(replicationFor(3, { minInsyncReplicas: 3 })).toEqual({ replicationFactor: 3, minInsyncReplicas: 3 });
  });
});

describe('checkReplication', () => {
  const check = (brokers: number, wanted: { replicationFactor?: number; minInsyncReplicas?: number }) => () => checkReplication(replicationFor(brokers, wanted), brokers, wanted);

  it('accepts what the cluster can hold', () => {
    expect(check(1, {})).not.toThrow();
    expect(check(3, { replicationFactor: 3, minInsyncReplicas: 3 })).not.toThrow();
  });

  it('refuses more replicas than brokers, naming the variable and the broker count', () => {
    expect(check(1, { replicationFactor: 2 })).toThrow(ConfigError);
    expect(check(1, { replicationFactor: 2 })).toThrow('invalid configuration: TOPIC_REPLICATION_FACTOR="2": the Kafka cluster has 1 broker; a topic cannot have more replicas than brokers');
    expect(check(2, { replicationFactor: 3 })).toThrow('the Kafka cluster has 2 brokers;');
  });

  it('refuses a min.insync.replicas above the replication factor', () => {
    expect(check(3, { replicationFactor: 2, minInsyncReplicas: 3 })).toThrow('invalid configuration: TOPIC_MIN_INSYNC_REPLICAS="3": is more than the replication factor 2; no write could be acknowledged');
    expect(check(1, { minInsyncReplicas: 2 })).toThrow('TOPIC_MIN_INSYNC_REPLICAS="2": is more than the replication factor 1 (TOPIC_REPLICATION_FACTOR unset, 1 broker)');
  });
});

describe('the configuration', () => {
  it('leaves both unset by default and reads whole numbers from 1', () => {
    const defaults = parseConfig({});
    expect(defaults.TOPIC_REPLICATION_FACTOR).toBeUndefined();
    expect(defaults.TOPIC_MIN_INSYNC_REPLICAS).toBeUndefined();
    expect(parseConfig({ TOPIC_REPLICATION_FACTOR: '3', TOPIC_MIN_INSYNC_REPLICAS: '2' })).toMatchObject({ TOPIC_REPLICATION_FACTOR: 3, TOPIC_MIN_INSYNC_REPLICAS: 2 });
    expect(() => parseConfig({ TOPIC_REPLICATION_FACTOR: '0' })).toThrow('invalid configuration: TOPIC_REPLICATION_FACTOR="0": must be at least 1');
    expect(() => parseConfig({ TOPIC_MIN_INSYNC_REPLICAS: 'two' })).toThrow('invalid configuration: TOPIC_MIN_INSYNC_REPLICAS="two": must be a number');
  });
});
