'use client';
/** The overview's live part: starts from the server-rendered snapshot, then follows the rooms. */
import Link from 'next/link';
import { useState } from 'react';
import { DistributionChart } from '@/components/charts/DistributionChart';
import { EventsPerMinuteChart } from '@/components/charts/EventsPerMinuteChart';
import { FunnelChart } from '@/components/charts/FunnelChart';
import { formatDuration, formatInt, formatPercent, formatRate, formatRatio, formatTime, formatVisitDuration } from '@/components/format';
import { Kpi } from '@/components/Kpi';
import { useLiveEvent } from '@/components/live/socket';
import { PipelinePanel } from '@/components/PipelinePanel';
import type { OverviewSnapshot } from '@/lib/contracts/dashboard';
import type { PipelineStatus } from '@/lib/contracts/pipeline-status';
import { clicksPerPageViewFormula } from '@/lib/metrics/clicks-per-page-view';
import { clickThroughRateFormula } from '@/lib/metrics/click-through-rate';

interface Props {
  initial: OverviewSnapshot;
  initialPipeline: PipelineStatus | null;
  windowMs: number;
  eventTypes: readonly string[];
}

export function OverviewLive({ initial, initialPipeline, windowMs, eventTypes }: Props) {
  const [snap, setSnap] = useState(initial);
  const [pipeline, setPipeline] = useState(initialPipeline);
  useLiveEvent('overview', 'overview:update', setSnap);
  useLiveEvent('pipeline', 'pipeline:update', setPipeline);
  const { kpis } = snap;
  const sessions = kpis.today.sessions;
  return (
    <>
      <p className="updated muted" data-testid="overview-updated">
        Updated {formatTime(snap.at)} UTC
      </p>
      <section className="kpis" aria-label="Key figures">
        <Kpi label="Events per second" value={formatRate(kpis.eventsPerSecond)} hint="last minute" testId="kpi-eps" />
        <Kpi label="Active users" value={formatInt(kpis.activeUsers5m)} hint="last 5 minutes" testId="kpi-active" />
        <Kpi label="Events today" value={formatInt(kpis.today.events)} hint={`${formatInt(kpis.today.users)} users`} testId="kpi-events" />
        <Kpi label="Time on site today (reported)" value={formatDuration(kpis.today.timeSpentSeconds)} hint="sum of the events' sessionDuration" testId="kpi-time" />
        <Kpi label="Visit time today" value={formatVisitDuration(sessions.visitTimeSeconds)} hint="first to last event, summed over sessions" testId="kpi-visit-time" />
        <Kpi label="Clicks per page view today" value={formatRatio(kpis.today.clicksPerPageView)} hint={clicksPerPageViewFormula} testId="kpi-clicks-per-page-view" />
      </section>

      <section className="kpis" aria-label="Sessions today">
        <Kpi label="Sessions today" value={formatInt(sessions.sessions)} hint={`${formatRatio(sessions.pagesPerSession)} pages per session`} testId="kpi-sessions" />
        <Kpi label="Bounce rate" value={formatPercent(sessions.bounceRate)} hint={`${formatInt(sessions.bounces)} one-event sessions`} testId="kpi-bounce-rate" />
        <Kpi label="Average visit duration" value={formatVisitDuration(sessions.averageVisitDurationSeconds)} hint="first to last event of a session" testId="kpi-avg-visit" />
        <Kpi label="Conversion rate" value={formatPercent(sessions.conversionRate)} hint={`${formatInt(sessions.convertedSessions)} sessions with a purchase`} testId="kpi-conversion" />
        <Kpi label="CTR today" value={formatPercent(sessions.ctr)} hint={clickThroughRateFormula} testId="kpi-ctr" />
      </section>

      <section className="card" aria-labelledby="epm-title">
        <h2 id="epm-title">Events per minute, last 60 minutes</h2>
        <EventsPerMinuteChart buckets={snap.minutes} endIso={snap.at} windowMs={windowMs} types={eventTypes} />
      </section>

      <div className="grid-3">
        <section className="card" aria-labelledby="top-title">
          <h2 id="top-title">Top users today</h2>
          {snap.topUsers.length === 0 ? (
            <p className="empty">No users yet today. Start the simulation above.</p>
          ) : (
            <div className="table-scroll">
            <table className="table table-wrap-head" data-testid="top-users">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col" className="num">Time on site (reported)</th>
                  <th scope="col" className="num">Events</th>
                </tr>
              </thead>
              <tbody>
                {snap.topUsers.map((u) => (
                  <tr key={u.userId}>
                    <td>
                      <Link href={`/users/${encodeURIComponent(u.userId)}`}>{u.userId}</Link>
                    </td>
                    <td className="num">{formatDuration(u.timeSpentSeconds)}</td>
                    <td className="num">{formatInt(u.eventCount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          )}
        </section>
        <section className="card" aria-labelledby="dist-title">
          <h2 id="dist-title">Events by type today</h2>
          <DistributionChart counts={snap.distribution} />
        </section>
        <section className="card" aria-labelledby="funnel-title">
          <h2 id="funnel-title">Sessions funnel today</h2>
          <FunnelChart funnel={sessions.funnel} sessions={sessions.sessions} period="today" testId="overview-funnel" />
        </section>
      </div>

      <section className="card" aria-labelledby="pipe-title">
        <h2 id="pipe-title">Pipeline</h2>
        <PipelinePanel status={pipeline} />
      </section>
    </>
  );
}
