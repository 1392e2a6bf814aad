/** The worker group's total of valid events committed so far (sum over partitions). */
import { prisma } from './db';

export async function processedTotal(groupId: string, topic: string): Promise<number> {
  const r = await prisma().partitionState.aggregate({ where: { groupId, topic }, _sum: { processed: true } });
  return Number(r._sum.processed ?? 0n);
}
