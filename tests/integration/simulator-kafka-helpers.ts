/**
 * Helpers for the simulator's and producer's integration tests: fresh topics, reading a topic back
 * in full, and the per-user partition check.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { waitFor } from '@/lib/wait';

export interface ReadMessage {
  partition: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export const freshTopicName = (what: string) => `it.${what}.${randomUUID()}`;

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => {});
  await admin.disconnect();
}

/** Messages on the topic now (sum of high watermarks minus low watermarks). */
export async function countMessages(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Reads the whole topic from the beginning with a throwaway group, until `expected` messages are in. */
export async function readAll(kafka: Kafka, topic: string, expected: number, timeoutMs = 60_000): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: `it-read-${randomUUID()}`, sessionTimeout: 10_000 });
  const out: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: ({ batch }) => {
        for (const m of batch.messages) {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v);
          out.push({ partition: batch.partition, key: m.key?.toString() ?? null, value: m.value, headers });
        }
        return Promise.resolve();
      },
    });
    if (!(await waitFor(() => Promise.resolve(out.length >= expected), timeoutMs))) {
      throw new Error(`read ${out.length} of ${expected} messages from ${topic}`);
    }
    return out;
  } finally {
    await consumer.disconnect();
  }
}

/** Every userId's messages sit in exactly one partition; returns userId → partition. */
export function partitionsByKey(messages: ReadMessage[]): Map<string, Set<number>> {
  const byKey = new Map<string, Set<number>>();
  for (const m of messages) {
    const set = byKey.get(m.key ?? '') ?? new Set<number>();
    set.add(m.partition);
    byKey.set(m.key ?? '', set);
  }
  return byKey;
}
