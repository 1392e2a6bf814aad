import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { logger } from '@/lib/log';
import { BatchConsumer, FETCH_BYTES_PER_PARTITION } from './consumer';

/** The options BatchConsumer gives kafkajs's consumer(), from a Kafka stand-in that records them. */
function consumerOptions(maxBytesPerPartition?: number): Record<string, unknown> {
  let seen: Record<string, unknown> = {};
  const kafka = {
    consumer: (opts: Record<string, unknown>) => {
      seen = opts;
      return { events: { GROUP_JOIN: 'join', CRASH: 'crash', DISCONNECT: 'disconnect', FETCH: 'fetch' }, on: () => {} };
    },
  } as unknown as Kafka;
  new BatchConsumer({ kafka, groupId: 'g', topics: ['t'], handleBatch: async () => {}, log: logger('test'), maxBytesPerPartition });
  return seen;
}

describe('BatchConsumer fetch size', () => {
  it('fetches 8 MiB per partition by default (batches grow with the lag), and room for six such partitions per fetch', () => {
    const o = consumerOptions();
    expect(FETCH_BYTES_PER_PARTITION).toBe(8 * 2 ** 20);
    expect(o.maxBytesPerPartition).toBe(FETCH_BYTES_PER_PARTITION);
    expect(o.maxBytes).toBe(6 * FETCH_BYTES_PER_PARTITION);
  });

  it('takes another size, never shrinking a fetch below kafkajs’s 10 MiB', () => {
    expect(consumerOptions(2 ** 20)).toMatchObject({ maxBytesPerPartition: 2 ** 20, maxBytes: 10 * 2 ** 20 });
    expect(consumerOptions(4 * 2 ** 20)).toMatchObject({ maxBytesPerPartition: 4 * 2 ** 20, maxBytes: 24 * 2 ** 20 });
  });
});
