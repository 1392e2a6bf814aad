/**
 * The one kafkajs client per process, built from the configuration, with kafkajs's own log lines
 * routed through pino.
 */
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Config } from '@/lib/config';
import { logger } from '@/lib/log';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Errors kafkajs logs at ERROR but retries by itself: a broker or coordinator still starting, a
 * rebalance, a topic another process created first. They are expected when the stack starts or
 * a broker restarts, so they are logged as warnings; anything else stays an error.
 */
const RETRIED = /coordinator is loading|coordinator is not available|rebalanc|leader is not available|not the leader|There is no leader|already exists|Topic creation errors|Connection error|ECONNREFUSED|Request is not valid given the current SASL state/i;

/** kafkajs puts the error's message (a string) in `error`; an Error or other value is described too. */
function errorText(error: unknown): string {
  if (error === undefined || error === null) return '';
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  try {
    return JSON.stringify(error) ?? '';
  } catch {
    return '';
  }
}

function pinoLogCreator() {
  const log = logger('kafkajs');
  return ({ level, log: entry }: LogEntry) => {
    const { message, ...rest } = entry;
    const detail = `${message} ${errorText((rest as { error?: unknown }).error)}`;
    if (level === logLevel.ERROR && RETRIED.test(detail)) {
      log.warn(rest, message);
      return;
    }
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
