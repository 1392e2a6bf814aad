/**
 * The replication of the topics the project creates: TOPIC_REPLICATION_FACTOR and
 * TOPIC_MIN_INSYNC_REPLICAS, resolved against the number of brokers in the cluster.
 */
import { ConfigError } from '@/lib/config';

/** What the configuration asks for; unset values are derived from the cluster. */
export interface ReplicationSettings {
  replicationFactor?: number | undefined;
  minInsyncReplicas?: number | undefined;
}

export interface Replication {
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** The default replication factor never goes above this, however many brokers there are. */
const DEFAULT_REPLICATION_CAP = 3;

/** What a new topic gets on a cluster of `brokers` brokers (see checkReplication for whether it can). */
export function replicationFor(brokers: number, wanted: ReplicationSettings): Replication {
  const replicationFactor = wanted.replicationFactor ?? Math.max(1, Math.min(brokers, DEFAULT_REPLICATION_CAP));
  return { replicationFactor, minInsyncReplicas: wanted.minInsyncReplicas ?? Math.max(1, replicationFactor - 1) };
}

const brokersText = (n: number) => `${n} broker${n === 1 ? '' : 's'}`;

/** Throws a one-line ConfigError naming the variable when `target` cannot be created on `brokers` brokers. */
export function checkReplication(target: Replication, brokers: number, wanted: ReplicationSettings): void {
  if (target.replicationFactor > brokers) {
    throw new ConfigError(
      `invalid configuration: TOPIC_REPLICATION_FACTOR="${target.replicationFactor}": the Kafka cluster has ${brokersText(brokers)}; a topic cannot have more replicas than brokers`,
    );
  }
  if (target.minInsyncReplicas > target.replicationFactor) {
    const rf = wanted.replicationFactor === undefined ? `${target.replicationFactor} (TOPIC_REPLICATION_FACTOR unset, ${brokersText(brokers)})` : String(target.replicationFactor);
    throw new ConfigError(
      `invalid configuration: TOPIC_MIN_INSYNC_REPLICAS="${target.minInsyncReplicas}": is more than the replication factor ${rf}; no write could be acknowledged`,
    );
  }
}
