/** A user_session row as the queries select it, and as the API shows it (no queries here). */
import type { UserSessionRow } from '@/lib/contracts/dashboard';
import { isBounce } from '@/lib/metrics/bounce-rate';
import { clickThroughRateOf } from '@/lib/metrics/click-through-rate';
import type { FunnelStep } from '@/lib/metrics/session-facts';
import { visitDurationSeconds } from '@/lib/metrics/visit-duration';
import { Prisma } from '@/web/queries/db';

/** The select list that RawSessionRow reads, for user_session aliased `s`. */
export const SESSION_COLUMNS = Prisma.sql`
  s.user_id, (EXTRACT(EPOCH FROM s.start_at) * 1000)::float8 AS start_ms, (EXTRACT(EPOCH FROM s.end_at) * 1000)::float8 AS end_ms,
  to_char(s.day, 'YYYY-MM-DD') AS day, s.event_count, s.page_views, s.clicked_page_views, s.funnel_step::int AS funnel_step,
  s.converted, s.final, s.partition, s.first_offset::text AS first_offset, s.last_offset::text AS last_offset`;

export interface RawSessionRow {
  user_id: string;
  start_ms: number;
  end_ms: number;
  day: string;
  event_count: number;
  page_views: number;
  clicked_page_views: number;
  funnel_step: number;
  converted: boolean;
  final: boolean;
  partition: number;
  first_offset: string;
  last_offset: string;
}

const funnelStep = (n: number): FunnelStep => (n >= 3 ? 3 : n <= 0 ? 0 : (Math.trunc(n) as FunnelStep));

export function toSessionRow(r: RawSessionRow): UserSessionRow {
  const startMs = Math.round(r.start_ms);
  const endMs = Math.round(r.end_ms);
  return {
    userId: r.user_id,
    start: new Date(startMs).toISOString(),
    startMs,
    end: new Date(endMs).toISOString(),
    day: r.day,
    durationSeconds: visitDurationSeconds(startMs, endMs),
    eventCount: r.event_count,
    pageViews: r.page_views,
    clickedPageViews: r.clicked_page_views,
    ctr: clickThroughRateOf({ sessionPageViews: r.page_views, clickedPageViews: r.clicked_page_views }),
    bounce: isBounce({ eventCount: r.event_count }),
    funnelStep: funnelStep(r.funnel_step),
    converted: r.converted,
    final: r.final,
  };
}
