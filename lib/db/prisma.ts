/**
 * The Prisma client, built on @prisma/adapter-pg (Prisma 7 has no query engine binary). One per
 * process; kept on globalThis in development so hot reload does not open new pools.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { config } from '@/lib/config';
import { PrismaClient } from '@/lib/db/generated/client';

export type Db = PrismaClient;

/** A client with a pool of `max` connections; `statementTimeoutMs` cancels longer statements (PostgreSQL 57014). */
export function createPrisma(databaseUrl: string, max = 10, statementTimeoutMs?: number): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max, ...(statementTimeoutMs === undefined ? {} : { statement_timeout: statementTimeoutMs }) }) });
}

const globalForPrisma = globalThis as unknown as { clickstreamPrisma?: PrismaClient };

/** The web server's process-wide client for DATABASE_URL, its statements bounded by WEB_STATEMENT_TIMEOUT_MS. */
export function prisma(): PrismaClient {
  const cfg = config();
  globalForPrisma.clickstreamPrisma ??= createPrisma(cfg.DATABASE_URL, 10, cfg.WEB_STATEMENT_TIMEOUT_MS);
  return globalForPrisma.clickstreamPrisma;
}
