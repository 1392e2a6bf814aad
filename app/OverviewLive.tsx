'use client';
/** The overview's live part: starts from the server-rendered snapshot, then follows the rooms. */
import Link from 'next/link';
import { useState } from 'react';
import { DistributionChart } from '@/components/charts/DistributionChart';
import { EventsPerMinuteChart } from '@/components/charts/EventsPerMinuteChart';
import { formatDuration, formatInt, formatPercent, formatRate, formatTime } from '@/components/format';
import { Kpi } from '@/components/Kpi';
import { useLiveEvent } from '@/components/live/socket';
import { PipelinePanel } from '@/components/PipelinePanel';
import type { OverviewSnapshot } from '@/lib/contracts/dashboard';
import type { PipelineStatus } from '@/lib/contracts/pipeline-status';

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
  return (
    <>
      <p className="updated muted" data-testid="overview-updated">
        Updated {formatTime(snap.at)} UTC
      </p>
      <section className="kpis" aria-label="Key figures">
        <Kpi label="Events per second" value={formatRate(kpis.eventsPerSecond)} hint="last minute" testId="kpi-eps" />
        <Kpi label="Active users" value={formatInt(kpis.activeUsers5m)} hint="last 5 minutes" testId="kpi-active" />
        <Kpi label="Events today" value={formatInt(kpis.today.events)} hint={`${formatInt(kpis.today.users)} users`} testId="kpi-events" />
        <Kpi label="Time on site today" value={formatDuration(kpis.today.timeSpentSeconds)} hint="all users" testId="kpi-time" />
        <Kpi label="CTR today" value={formatPercent(kpis.today.ctr)} hint="clicks ÷ page views" testId="kpi-ctr" />
      </section>

      <section className="card" aria-labelledby="epm-title">
        <h2 id="epm-title">Events per minute, last 60 minutes</h2>
        <EventsPerMinuteChart buckets={snap.minutes} endIso={snap.at} windowMs={windowMs} types={eventTypes} />
      </section>

      <div className="grid-2">
        <section className="card" aria-labelledby="top-title">
          <h2 id="top-title">Top users today</h2>
          {snap.topUsers.length === 0 ? (
            <p className="empty">No users yet today. Start the simulation above.</p>
          ) : (
            <div className="table-scroll">
            <table className="table" data-testid="top-users">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col" className="num">Time spent</th>
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
      </div>

      <section className="card" aria-labelledby="pipe-title">
        <h2 id="pipe-title">Pipeline</h2>
        <PipelinePanel status={pipeline} />
      </section>
    </>
  );
}
