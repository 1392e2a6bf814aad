/**
 * `npm run worker`: one stream-processing worker. Start more in the same group to scale out.
 *
 * SIGTERM/SIGINT stop it within SHUTDOWN_DEADLINE_MS whatever the broker does, also while it is
 * still waiting for Kafka and PostgreSQL at start-up: the consumer and producer give up after their
 * own limits (lib/kafka), and past the deadline the process says what it was waiting for and exits 1.
 */
import { config } from '@/lib/config';
import { createPrisma } from '@/lib/db/prisma';
import { waitForServices } from '@/lib/startup/wait-for-services';
import { createKafka } from '@/lib/kafka/client';
import { ensureTopics } from '@/lib/kafka/topics';
import { logger } from '@/lib/log';
import { runMain } from '@/lib/run-main';
import { onShutdown, stopStep } from '@/lib/shutdown';
import { createPostgresSink } from '@/worker/shell/postgres-sink';
import { createWorker, type Worker } from './worker';

/** Inside the 10 s a supervisor usually allows before SIGKILL, with room for a busy machine. */
const SHUTDOWN_DEADLINE_MS = 8_000;

runMain(async () => {
  const cfg = config();
  const log = logger('worker');
  const kafka = createKafka(cfg, `${cfg.KAFKA_CLIENT_ID}-worker`);
  const db = createPrisma(cfg.DATABASE_URL, 10);
  let worker: Worker | undefined;
  let stopping = false;
  const shutdown = onShutdown(
    async () => {
      stopping = true;
      // The worker closes the database with its sink; before it exists, only the database is open.
      if (worker) await stopStep('the worker', worker.stop());
      else await stopStep('PostgreSQL connections', db.$disconnect());
    },
    { log: (l) => log.info(l), error: (l) => log.error(l), deadlineMs: SHUTDOWN_DEADLINE_MS },
  );
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    process.exitCode = 1;
    void shutdown('fatal error');
  });
  try {
    await waitForServices(cfg, kafka, db, log);
    if (stopping) return;
    await ensureTopics(kafka, cfg);
    if (stopping) return;
    worker = createWorker({ cfg, kafka, sink: createPostgresSink(cfg.DATABASE_URL, 10, db) });
    await worker.start();
  } catch (err) {
    // A start-up step cut short by the shutdown: the shutdown decides how the process ends.
    if (stopping) return shutdown('start-up interrupted');
    throw err;
  }
});
