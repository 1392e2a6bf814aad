/** The stored position and counters per partition of a topic (whichever group committed them). */
import { prisma } from '@/web/queries/db';

export interface PartitionStateRow {
  partition: number;
  nextOffset: number;
  processed: number;
  invalid: number;
  late: number;
  /** Offsets removed by retention before the worker read them. */
  expired: number;
  /** Why the worker refuses this partition (null while it counts). */
  refusedReason: string | null;
  watermark: string | null;
  updatedAt: string;
}

export async function partitionStates(topic: string): Promise<PartitionStateRow[]> {
  const rows = await prisma().partitionState.findMany({ where: { topic }, orderBy: { partition: 'asc' } });
  return rows.map((r) => ({
    partition: r.partition,
    nextOffset: Number(r.nextOffset),
    processed: Number(r.processed),
    invalid: Number(r.invalid),
    late: Number(r.late),
    expired: Number(r.expired),
    refusedReason: r.blockedReason,
    watermark: r.watermark?.toISOString() ?? null,
    updatedAt: r.updatedAt.toISOString(),
  }));
}
