/**
 * The Prisma client, built on @prisma/adapter-pg (Prisma 7 has no query engine binary). One per
 * process; kept on globalThis in development so hot reload does not open new pools.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { config } from '@/lib/config';
import { PrismaClient } from '@/lib/db/generated/client';

export type Db = PrismaClient;

/**
 * The web server's sessions run without JIT compilation: its statements are short and many at a
 * time, and PostgreSQL's JIT, triggered by cost estimates on large tables, spent 184 ms compiling a
 * users-table statement at 100,000 users (docs/BENCHMARKS.md, issue 13) for no gain.
 */
const WEB_SESSION_OPTIONS = '-c jit=off';

/**
 * A client with a pool of `max` connections; `statementTimeoutMs` cancels longer statements
 * (PostgreSQL 57014); `options` are PostgreSQL settings for every session (`-c name=value`).
 */
export function createPrisma(databaseUrl: string, max = 10, statementTimeoutMs?: number, options?: string): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString: databaseUrl,
      max,
      ...(statementTimeoutMs === undefined ? {} : { statement_timeout: statementTimeoutMs }),
      ...(options === undefined ? {} : { options }),
    }),
  });
}

const globalForPrisma = globalThis as unknown as { clickstreamPrisma?: PrismaClient };

/** The web server's process-wide client for DATABASE_URL, its statements bounded by WEB_STATEMENT_TIMEOUT_MS, without JIT. */
export function prisma(): PrismaClient {
  const cfg = config();
  globalForPrisma.clickstreamPrisma ??= createPrisma(cfg.DATABASE_URL, 10, cfg.WEB_STATEMENT_TIMEOUT_MS, WEB_SESSION_OPTIONS);
  return globalForPrisma.clickstreamPrisma;
}
