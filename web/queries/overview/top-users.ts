/** The users with the most time on site on a day (index on (day, time_spent_seconds DESC)). */
import { prisma } from '@/web/queries/db';
import type { TopUser } from '@/lib/contracts/dashboard';

export async function topUsers(day: string, limit: number): Promise<TopUser[]> {
  const rows = await prisma().userDaily.findMany({
    where: { day: new Date(`${day}T00:00:00Z`) },
    orderBy: [{ timeSpentSeconds: 'desc' }, { userId: 'asc' }],
    take: limit,
    select: { userId: true, timeSpentSeconds: true, eventCount: true },
  });
  return rows.map((r) => ({ userId: r.userId, timeSpentSeconds: Number(r.timeSpentSeconds), eventCount: r.eventCount }));
}
