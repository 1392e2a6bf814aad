/**
 * Events by type since an instant (e.g. today's UTC midnight), from global_minute: a few thousand
 * rows at most, where user_daily would be one row per user.
 */
import { prisma } from '@/web/queries/db';

export async function eventTypeDistribution(fromMs: number): Promise<Record<string, number>> {
  const rows = await prisma().globalMinute.groupBy({
    by: ['eventType'],
    where: { windowStart: { gte: new Date(fromMs) } },
    _sum: { count: true },
  });
  const entries = rows.map((r): [string, number] => [r.eventType, r._sum.count ?? 0]);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
}
