/**
 * What Kafka says about a topic's partitions now: the cluster id and each partition's log start and
 * end, read with the admin API. Used to check a stored position before counting goes on.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { PartitionLog } from '@/worker/core/positions';

export interface PartitionLogReader {
  /** Every partition of the topic. */
  read(topic: string): Promise<Map<number, PartitionLog>>;
  close(): Promise<void>;
}

export function createPartitionLogReader(kafka: Kafka): PartitionLogReader {
  let admin: Admin | undefined;
  let connecting: Promise<Admin> | undefined;
  const connect = () => {
    connecting ??= (async () => {
      const a = kafka.admin();
      await a.connect();
      admin = a;
      return a;
    })().catch((err: unknown) => {
      connecting = undefined;
      throw err;
    });
    return connecting;
  };
  return {
    async read(topic) {
      const a = await connect();
      const [{ clusterId }, offsets] = await Promise.all([a.describeCluster(), a.fetchTopicOffsets(topic)]);
      return new Map(offsets.map((o) => [o.partition, { clusterId, logStart: BigInt(o.low), logEnd: BigInt(o.high) }]));
    },
    async close() {
      connecting = undefined;
      await admin?.disconnect();
      admin = undefined;
    },
  };
}
