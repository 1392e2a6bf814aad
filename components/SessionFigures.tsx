/** A session's figures (the session page): when, how long, what happened, and where its events are in Kafka. */
import { formatInt, formatPercent, formatTimeMs, formatVisitDuration } from './format';
import type { FunnelStep, UserSessionRow } from '@/lib/contracts/dashboard';

/** How far a session got in the funnel, in words. */
export const FUNNEL_STEP_LABELS: Record<FunnelStep, string> = {
  0: 'No page view',
  1: 'Page view',
  2: 'Add to cart after a page view',
  3: 'Purchase after that add-to-cart',
};

/** "2026-12-01 14:05:09.250" (UTC). */
const instant = (iso: string) => `${iso.slice(0, 10)} ${formatTimeMs(iso)}`;

interface Props {
  session: UserSessionRow;
  kafka: { partition: number; firstOffset: string; lastOffset: string };
}

export function SessionFigures({ session: s, kafka }: Props) {
  const figures: [string, string, string][] = [
    ['Start (UTC)', instant(s.start), 'session-start'],
    ['End (UTC)', instant(s.end), 'session-end'],
    ['Visit duration', formatVisitDuration(s.durationSeconds), 'session-duration'],
    ['Events', formatInt(s.eventCount), 'session-events-count'],
    ['Page views', formatInt(s.pageViews), 'session-page-views'],
    ['Clicked page views', formatInt(s.clickedPageViews), 'session-clicked-page-views'],
    ['CTR', formatPercent(s.ctr), 'session-ctr'],
    ['Bounce', s.bounce ? 'Yes (one event)' : 'No', 'session-bounce'],
    ['Funnel reached', FUNNEL_STEP_LABELS[s.funnelStep], 'session-funnel'],
    ['Converted', s.converted ? 'Yes (has a purchase)' : 'No', 'session-converted'],
    ['Status', s.final ? 'Final' : 'Open (can still grow or merge)', 'session-status'],
    ['In Kafka', `partition ${kafka.partition}, offsets ${kafka.firstOffset}–${kafka.lastOffset}`, 'session-kafka'],
  ];
  return (
    <dl className="stats session-figures" data-testid="session-figures">
      {figures.map(([label, value, testId]) => (
        <div key={testId}>
          <dt>{label}</dt>
          <dd data-testid={testId}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
