/** The total of valid events committed so far for a topic (sum over partitions, whichever group counted them). */
import { prisma } from '@/web/queries/db';

export async function processedTotal(topic: string): Promise<number> {
  const r = await prisma().partitionState.aggregate({ where: { topic }, _sum: { processed: true } });
  return Number(r._sum.processed ?? 0n);
}
