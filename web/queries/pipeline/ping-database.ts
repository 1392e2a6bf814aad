/** A trivial round trip, for the health check. */
import { prisma } from '@/web/queries/db';

export async function pingDatabase(): Promise<void> {
  await prisma().$queryRaw`SELECT 1`;
}
