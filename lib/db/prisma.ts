/**
 * The Prisma client, built on @prisma/adapter-pg (Prisma 7 has no query engine binary). One per
 * process; kept on globalThis in development so hot reload does not open new pools.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { config } from '@/lib/config';
import { PrismaClient } from '@/lib/db/generated/client';

export type Db = PrismaClient;

export function createPrisma(databaseUrl: string, max = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max }) });
}

const globalForPrisma = globalThis as unknown as { clickstreamPrisma?: PrismaClient };

/** The process-wide client for DATABASE_URL. */
export function prisma(): PrismaClient {
  globalForPrisma.clickstreamPrisma ??= createPrisma(config().DATABASE_URL);
  return globalForPrisma.clickstreamPrisma;
}
