/** Shared values for the browser tests: this run's ids and a database handle for seeding. */
import { createPrisma } from '@/lib/db/prisma';
import type { PrismaClient } from '@/lib/db/generated/client';

export const runId = process.env.E2E_RUN_ID ?? 'local';
/** Seeded users are `${seedPrefix}-00000` … `${seedPrefix}-00119`. */
export const seedPrefix = `e2e${runId}`;
export const SEEDED_USERS = 120;
export const workerGroupId = `e2e-${runId}-worker`;
export const topic = `e2e.${runId}.events`;

let db: PrismaClient | undefined;
export function testDb(): PrismaClient {
  db ??= createPrisma(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/clickstream_test', 2);
  return db;
}

export const screenshotPath = (name: string) => `test-results/screenshots/${name}.png`;
