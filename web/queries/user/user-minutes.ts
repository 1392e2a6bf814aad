/** A user's per-window (minute) series between two instants: [from, to). */
import { prisma } from '@/web/queries/db';
import type { MinutePoint } from '@/lib/contracts/dashboard';

export async function userMinutes(userId: string, fromMs: number, toMs: number): Promise<MinutePoint[]> {
  const rows = await prisma().userMinute.findMany({
    where: { userId, windowStart: { gte: new Date(fromMs), lt: new Date(toMs) } },
    orderBy: { windowStart: 'asc' },
    select: { windowStart: true, eventCount: true, timeSpentSeconds: true },
  });
  return rows.map((r) => ({ windowStart: r.windowStart.toISOString(), eventCount: r.eventCount, timeSpentSeconds: Number(r.timeSpentSeconds) }));
}
