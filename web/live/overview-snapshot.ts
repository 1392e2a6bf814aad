/** Everything the overview page shows from the database, in one object (initial render and pushes). */
import { eventTypeDistribution } from '@/web/queries/overview/event-type-distribution';
import { eventsPerMinute } from '@/web/queries/overview/events-per-minute';
import { overviewKpis } from '@/web/queries/overview/overview-kpis';
import { topUsers } from '@/web/queries/overview/top-users';
import { startOfDayMs, todayUtc } from '@/lib/days';
import type { OverviewSnapshot } from '@/lib/contracts/dashboard';
import { windowStart } from '@/lib/windows';

/** `liveRate`: events per second from the commit stream (rate-sampler.ts), when known. */
export async function overviewSnapshot(windowMs: number, nowMs = Date.now(), liveRate?: number): Promise<OverviewSnapshot> {
  const day = todayUtc(nowMs);
  const [kpis, minutes, top, distribution] = await Promise.all([
    overviewKpis(nowMs, windowMs),
    eventsPerMinute(windowStart(nowMs, windowMs) - 59 * windowMs),
    topUsers(day, 10),
    eventTypeDistribution(startOfDayMs(day)),
  ]);
  if (liveRate !== undefined) kpis.eventsPerSecond = liveRate;
  return { at: new Date(nowMs).toISOString(), kpis, minutes, topUsers: top, distribution };
}
