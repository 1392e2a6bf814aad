/**
 * Each message of a chunk ends in one tagged outcome: counted (in the aggregates), late (to the
 * late topic) or dead-letter (to the dead-letter topic, with the reason). The side topics receive
 * copies of the original record with x-* headers saying where it came from and why.
 */
import type { KafkaMessage, Message } from 'kafkajs';

export type MessageOutcome =
  | { kind: 'counted'; message: KafkaMessage }
  | { kind: 'late'; message: KafkaMessage; reason: string; watermarkMs: number }
  | { kind: 'dead-letter'; message: KafkaMessage; reason: string };

export type SideOutcome = Exclude<MessageOutcome['kind'], 'counted'>;

/** Where side messages are sent (worker/shell/side-topic-sender.ts on the worker's producer). */
export interface SideOutput {
  send(topic: string, messages: Message[]): Promise<void>;
}

/** The side messages of a chunk, by outcome, each in offset order. */
export type SideMessages = Record<SideOutcome, Message[]>;

export interface SourcePartition {
  topic: string;
  partition: number;
}

function sideMessage(source: SourcePartition, m: KafkaMessage, reason: string, extra: Record<string, string> = {}): Message {
  return {
    key: m.key,
    value: m.value,
    headers: {
      'x-reason': reason,
      'x-source-topic': source.topic,
      'x-source-partition': String(source.partition),
      'x-source-offset': m.offset,
      'x-source-timestamp': m.timestamp,
      ...extra,
    },
  };
}

/** The late and dead-letter messages to send for these outcomes; counted ones send nothing. */
export function sideMessagesOf(outcomes: readonly MessageOutcome[], source: SourcePartition): SideMessages {
  const out: SideMessages = { 'dead-letter': [], late: [] };
  for (const o of outcomes) {
    switch (o.kind) {
      case 'counted':
        break;
      case 'dead-letter':
        out['dead-letter'].push(sideMessage(source, o.message, o.reason));
        break;
      case 'late':
        out.late.push(sideMessage(source, o.message, o.reason, { 'x-watermark': new Date(o.watermarkMs).toISOString() }));
        break;
    }
  }
  return out;
}
