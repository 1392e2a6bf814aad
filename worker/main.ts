/**
 * `npm run worker`: one stream-processing worker. Start more in the same group to scale out.
 */
import { config } from '../lib/config';
import { createPrisma } from '../lib/db/prisma';
import { waitForServices } from '../lib/infra/wait-for-services';
import { createKafka } from '../lib/kafka/client';
import { ensureTopics } from '../lib/kafka/topics';
import { logger } from '../lib/log';
import { runMain } from '../lib/main';
import { onShutdown } from '../lib/process/shutdown';
import { PostgresSink } from './shell/postgres-sink';
import { createWorker } from './worker';

runMain(async () => {
  const cfg = config();
  const log = logger('worker');
  const kafka = createKafka(cfg, `${cfg.KAFKA_CLIENT_ID}-worker`);
  const db = createPrisma(cfg.DATABASE_URL, 10);
  await waitForServices(cfg, kafka, db, log);
  await ensureTopics(kafka, cfg);
  const worker = createWorker({ cfg, kafka, sink: new PostgresSink(db) });
  const shutdown = onShutdown(() => worker.stop(), (l) => log.info(l));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    process.exitCode = 1;
    void shutdown('fatal error');
  });
  await worker.start();
});
