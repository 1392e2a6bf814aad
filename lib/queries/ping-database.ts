/** A trivial round trip, for the health check. */
import { prisma } from './db';

export async function pingDatabase(): Promise<void> {
  await prisma().$queryRaw`SELECT 1`;
}
