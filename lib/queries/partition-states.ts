/** The worker group's committed position and counters per partition of a topic. */
import { prisma } from './db';

export interface PartitionStateRow {
  partition: number;
  nextOffset: number;
  processed: number;
  invalid: number;
  late: number;
  watermark: string | null;
  updatedAt: string;
}

export async function partitionStates(groupId: string, topic: string): Promise<PartitionStateRow[]> {
  const rows = await prisma().partitionState.findMany({ where: { groupId, topic }, orderBy: { partition: 'asc' } });
  return rows.map((r) => ({
    partition: r.partition,
    nextOffset: Number(r.nextOffset),
    processed: Number(r.processed),
    invalid: Number(r.invalid),
    late: Number(r.late),
    watermark: r.watermark?.toISOString() ?? null,
    updatedAt: r.updatedAt.toISOString(),
  }));
}
