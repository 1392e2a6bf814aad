/**
 * Start-up wait for Kafka and PostgreSQL: one clear message, then patience, instead of a crash
 * loop while the stack comes up (or comes back).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type { Config } from '@/lib/config';
import type { Db } from '@/lib/db/prisma';
import type { Logger } from '@/lib/log';

async function kafkaReachable(kafka: Kafka): Promise<boolean> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function postgresReachable(db: Db): Promise<boolean> {
  try {
    await db.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}

/** Where DATABASE_URL points, without credentials. */
function describeDatabase(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

export async function waitForServices(cfg: Config, kafka: Kafka, db: Db, log: Logger, timeoutMs = Infinity): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    const [k, p] = await Promise.all([kafkaReachable(kafka), postgresReachable(db)]);
    if (k && p) {
      if (announced) log.info('Kafka and PostgreSQL are reachable');
      return;
    }
    const missing = [!k && `Kafka at ${cfg.KAFKA_BROKERS.join(',')}`, !p && `PostgreSQL at ${describeDatabase(cfg.DATABASE_URL)}`].filter(Boolean).join(' and ');
    if (!announced) {
      log.warn(`waiting for ${missing} ...`);
      announced = true;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${missing}`);
    await sleep(2000);
  }
}
