/** Everything the overview page shows from the database, in one object (initial render and pushes). */
import { eventTypeDistribution } from '../queries/event-type-distribution';
import { eventsPerMinute, type MinuteBucket } from '../queries/events-per-minute';
import { overviewKpis, type OverviewKpis } from '../queries/overview-kpis';
import { topUsers, type TopUser } from '../queries/top-users';
import { startOfDayMs, todayUtc } from '../queries/days';

export interface OverviewSnapshot {
  at: string;
  kpis: OverviewKpis;
  /** The last 60 minutes, oldest first; windows without events are absent. */
  minutes: MinuteBucket[];
  topUsers: TopUser[];
  distribution: Record<string, number>;
}

/** `liveRate`: events per second from the commit stream (rate-sampler.ts), when known. */
export async function overviewSnapshot(windowMs: number, nowMs = Date.now(), liveRate?: number): Promise<OverviewSnapshot> {
  const day = todayUtc(nowMs);
  const [kpis, minutes, top, distribution] = await Promise.all([
    overviewKpis(nowMs, windowMs),
    eventsPerMinute(Math.floor(nowMs / windowMs) * windowMs - 59 * windowMs),
    topUsers(day, 10),
    eventTypeDistribution(startOfDayMs(day)),
  ]);
  if (liveRate !== undefined) kpis.eventsPerSecond = liveRate;
  return { at: new Date(nowMs).toISOString(), kpis, minutes, topUsers: top, distribution };
}
