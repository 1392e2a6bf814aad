/**
 * The one kafkajs client per process, built from the configuration, with kafkajs's own log lines
 * routed through pino.
 */
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Config } from '../config';
import { logger } from '../log';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function pinoLogCreator() {
  const log = logger('kafkajs');
  return ({ level, log: entry }: LogEntry) => {
    const { message, ...rest } = entry;
    // We bound the idempotent producer's retries on purpose, so an outage reaches the caller
    // instead of hanging forever (lib/kafka/producer.ts); kafkajs warns about that every time.
    if (message.startsWith('Limiting retries for the idempotent producer')) return;
    log[levels[level] ?? 'info'](rest, message);
  };
}

// We use kafkajs's default (Java-compatible murmur2) partitioner on purpose; silence its notice.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export function createKafka(cfg: Config, clientId = cfg.KAFKA_CLIENT_ID): Kafka {
  return new Kafka({
    clientId,
    brokers: cfg.KAFKA_BROKERS,
    // kafkajs logs retriable errors (coordinator loading, broker restarting) at ERROR; keep WARN+.
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10000 },
  });
}
