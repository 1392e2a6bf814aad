/**
 * What `npm run load` and `npm run soak` run on when no --url is given: a Kafka broker on a port
 * of their own (started from the Maven jars under their own data folder unless something already
 * answers there), a fresh database on the PostgreSQL server at DATABASE_URL (dropped at the end),
 * and the schema. `stop()` undoes exactly what was started.
 */
import { randomUUID } from 'node:crypto';
import { adminQuery } from '@/tooling/infra/admin-query';
import { parseConfig, type Config } from '@/lib/config';
import { startStack } from '@/tooling/infra/stack';

export interface OwnStack {
  cfg: Config;
  runId: string;
  /** 'started' when this run started the broker. */
  kafka: 'external' | 'started' | 'already-running';
  stop(): Promise<void>;
}

export async function startOwnStack(o: { name: string; dataDir: string; kafkaBrokers: string; log: (line: string) => void }): Promise<OwnStack> {
  const runId = randomUUID().replace(/-/g, '').slice(0, 8);
  const base = parseConfig(process.env);
  const url = new URL(base.DATABASE_URL);
  const database = `clickstream_${o.name}_${runId}`;
  url.pathname = `/${database}`;
  const cfg = parseConfig({ ...process.env, DATA_DIR: o.dataDir, KAFKA_BROKERS: o.kafkaBrokers, DATABASE_URL: url.toString() });
  o.log(`starting Kafka (${o.kafkaBrokers}, data in ${o.dataDir}) and database ${database} ...`);
  const stack = await startStack(cfg, o.log);
  let stopped = false;
  return {
    cfg,
    runId,
    kafka: stack.kafka,
    async stop() {
      if (stopped) return;
      stopped = true;
      await adminQuery(cfg.DATABASE_URL, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch((err: unknown) => o.log(`could not drop ${database}: ${(err as Error).message}`));
      await stack.stop();
    },
  };
}
