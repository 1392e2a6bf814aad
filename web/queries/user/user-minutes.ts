/** Users' per-window (minute) series between two instants: [from, to) (one statement for any number of users). */
import { prisma } from '@/web/queries/db';
import { groupBy } from '@/lib/group-by';
import type { MinutePoint } from '@/lib/contracts/dashboard';

/** Each given user's minutes in time order (users without any are absent). */
export async function usersMinutes(userIds: readonly string[], fromMs: number, toMs: number): Promise<Map<string, MinutePoint[]>> {
  const rows = await prisma().$queryRaw<{ user_id: string; window_start: Date; event_count: number; time_spent: number }[]>`
    SELECT user_id, window_start, event_count, time_spent_seconds::float8 AS time_spent
    FROM user_minute
    WHERE user_id = ANY(${[...userIds]}::text[]) AND window_start >= ${new Date(fromMs)} AND window_start < ${new Date(toMs)}
    ORDER BY user_id, window_start`;
  const points = groupBy(rows, (r) => r.user_id);
  return new Map(
    Array.from(points, ([userId, list]) => [userId, list.map((r): MinutePoint => ({ windowStart: r.window_start.toISOString(), eventCount: r.event_count, timeSpentSeconds: r.time_spent }))]),
  );
}

export async function userMinutes(userId: string, fromMs: number, toMs: number): Promise<MinutePoint[]> {
  return (await usersMinutes([userId], fromMs, toMs)).get(userId) ?? [];
}
