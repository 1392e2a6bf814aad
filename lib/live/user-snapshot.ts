/** What a user's page receives live: today's totals, today's minute series and raw recent events. */
import type { MinutePoint } from '../queries/user-minutes';
import type { UserDay } from '../queries/user-daily';
import { userDaily } from '../queries/user-daily';
import { userMinutes } from '../queries/user-minutes';
import { todayUtc, startOfDayMs } from '../queries/days';

export interface RecentEvent {
  userId: string;
  eventType: string;
  timestamp: string;
  sessionDuration: number;
  page: string | null;
  productId: string | null;
  /** Kafka partition and offset: unique, used as a React key. */
  partition: number;
  offset: string;
}

export interface UserLiveSnapshot {
  userId: string;
  at: string;
  today: UserDay | null;
  minutes: MinutePoint[];
}

export async function userLiveSnapshot(userId: string, nowMs = Date.now()): Promise<UserLiveSnapshot> {
  const day = todayUtc(nowMs);
  const [days, minutes] = await Promise.all([userDaily(userId, { from: day, to: day }), userMinutes(userId, startOfDayMs(day), nowMs + 3_600_000)]);
  return { userId, at: new Date(nowMs).toISOString(), today: days[0] ?? null, minutes };
}
