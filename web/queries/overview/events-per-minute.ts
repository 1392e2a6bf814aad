/**
 * Events per window and event type since `fromMs` (global_minute), plus active users per window
 * (global_minute_users: the window's user_minute rows, counted by the worker as it inserts them).
 */
import { prisma } from '@/web/queries/db';
import type { MinuteBucket } from '@/lib/contracts/dashboard';

export async function eventsPerMinute(fromMs: number): Promise<MinuteBucket[]> {
  const from = new Date(fromMs);
  const [types, active] = await Promise.all([
    prisma().globalMinute.findMany({ where: { windowStart: { gte: from } }, orderBy: { windowStart: 'asc' } }),
    prisma().globalMinuteUsers.findMany({ where: { windowStart: { gte: from }, users: { gt: 0 } } }),
  ]);
  const buckets = new Map<number, MinuteBucket>();
  const bucket = (d: Date) => {
    const t = d.getTime();
    let b = buckets.get(t);
    if (!b) {
      b = { windowStart: d.toISOString(), counts: {}, total: 0, activeUsers: 0 };
      buckets.set(t, b);
    }
    return b;
  };
  for (const row of types) {
    const b = bucket(row.windowStart);
    b.counts[row.eventType] = (b.counts[row.eventType] ?? 0) + row.count;
    b.total += row.count;
  }
  for (const row of active) bucket(row.windowStart).activeUsers = row.users;
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
}
