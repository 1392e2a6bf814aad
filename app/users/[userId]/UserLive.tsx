'use client';
/**
 * A user's page body. Daily charts start from the server render; today's row and today's minute
 * series follow `user:update` (after each worker commit that touched this user), and raw events
 * arrive through `user:event` as Kafka delivers them.
 */
import { useMemo, useState } from 'react';
import { CtrChart } from '@/components/charts/CtrChart';
import { EventBreakdownChart } from '@/components/charts/EventBreakdownChart';
import { UserDailyChart } from '@/components/charts/UserDailyChart';
import { UserMinuteChart } from '@/components/charts/UserMinuteChart';
import { eventLabel, formatDuration, formatInt, formatPercent, formatTime } from '@/components/format';
import { Kpi } from '@/components/Kpi';
import { useLiveEvent } from '@/components/live/socket';
import { eachDay, type DayRange } from '@/lib/days';
import type { RecentEvent, UserDay, UserLiveSnapshot } from '@/lib/contracts/dashboard';
import { clickThroughRateFormula } from '@/lib/metrics/click-through-rate';
import { userMetrics } from '@/lib/metrics/user-metrics';

interface Props {
  userId: string;
  range: DayRange;
  initialDays: UserDay[];
  initialLive: UserLiveSnapshot;
  initialRecent: RecentEvent[];
  eventTypes: readonly string[];
}

const MAX_RECENT = 20;

export function UserLive({ userId, range, initialDays, initialLive, initialRecent, eventTypes }: Props) {
  const [days, setDays] = useState(initialDays);
  const [live, setLive] = useState(initialLive);
  const [recent, setRecent] = useState(initialRecent);
  const room = `user:${userId}` as const;

  useLiveEvent(room, 'user:update', (s) => {
    if (s.userId !== userId) return;
    setLive(s);
    const today = s.today;
    if (today && today.day >= range.from && today.day <= range.to) {
      setDays((prev) => [...prev.filter((d) => d.day !== today.day), today].sort((a, b) => (a.day < b.day ? -1 : 1)));
    }
  });
  useLiveEvent(room, 'user:event', (e) => {
    if (e.userId !== userId) return;
    setRecent((prev) => (prev.some((p) => p.partition === e.partition && p.offset === e.offset) ? prev : [e, ...prev].slice(0, MAX_RECENT)));
  });

  const allDays = useMemo(() => eachDay(range.from, range.to), [range.from, range.to]);
  // The range's totals: the days merged (each day is an accumulator of userMetrics), then extracted.
  const totals = useMemo(() => userMetrics.extract(days.reduce((acc, d) => userMetrics.merge(acc, d), userMetrics.create())), [days]);

  return (
    <>
      <section className="kpis" aria-label={`Totals from ${range.from} to ${range.to}`}>
        <Kpi label="Events" value={formatInt(totals.eventCount)} hint={`${range.from} → ${range.to}`} testId="user-events" />
        <Kpi label="Time spent" value={formatDuration(totals.timeSpentSeconds)} hint="in range" />
        <Kpi label="CTR" value={formatPercent(totals.ctr)} hint={clickThroughRateFormula} />
        <Kpi label="Most common event" value={totals.mostCommonEvent ? eventLabel(totals.mostCommonEvent) : '—'} hint="in range" />
        <Kpi label="Events today" value={formatInt(live.today?.eventCount ?? 0)} hint={`updated ${formatTime(live.at)} UTC`} testId="user-today-events" />
      </section>

      <section className="card" aria-labelledby="daily-title">
        <h2 id="daily-title">Time spent and events per day</h2>
        {days.length === 0 ? <p className="empty">No events in this range.</p> : <UserDailyChart days={days} allDays={allDays} />}
      </section>

      <div className="grid-2">
        <section className="card" aria-labelledby="breakdown-title">
          <h2 id="breakdown-title">Events by type</h2>
          <EventBreakdownChart counts={totals.eventCounts} types={eventTypes} />
        </section>
        <section className="card" aria-labelledby="ctr-title">
          <h2 id="ctr-title">CTR per day</h2>
          {days.some((d) => d.ctr !== null) ? <CtrChart days={days} allDays={allDays} /> : <p className="empty">No page views in this range, so no CTR.</p>}
        </section>
      </div>

      <div className="grid-2">
        <section className="card" aria-labelledby="minutes-title">
          <h2 id="minutes-title">Today, per minute</h2>
          <UserMinuteChart minutes={live.minutes} />
        </section>
        <section className="card" aria-labelledby="recent-title">
          <h2 id="recent-title">Latest events</h2>
          {recent.length === 0 ? (
            <p className="empty" data-testid="recent-empty">
              Waiting for this user&apos;s next event…
            </p>
          ) : (
            <ol className="event-list" data-testid="recent-events" aria-live="polite">
              {recent.map((e) => (
                <li key={`${e.partition}:${e.offset}`}>
                  <span className={`event-pill event-${e.eventType}`}>{eventLabel(e.eventType)}</span>
                  <span className="event-detail">{e.page ?? e.productId ?? ''}</span>
                  <time dateTime={e.timestamp} className="muted">
                    {formatTime(new Date(e.timestamp).toISOString())}
                  </time>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="table-title">
        <h2 id="table-title">Per day</h2>
        {days.length === 0 ? (
          <p className="empty">No events in this range.</p>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="user-days">
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col" className="num">Events</th>
                  <th scope="col" className="num">Time spent</th>
                  <th scope="col">Most common</th>
                  <th scope="col" className="num">Clicks</th>
                  <th scope="col" className="num">Page views</th>
                  <th scope="col" className="num">CTR</th>
                </tr>
              </thead>
              <tbody>
                {[...days].reverse().map((d) => (
                  <tr key={d.day}>
                    <td>{d.day}</td>
                    <td className="num">{formatInt(d.eventCount)}</td>
                    <td className="num">{formatDuration(d.timeSpentSeconds)}</td>
                    <td>{d.mostCommonEvent ? eventLabel(d.mostCommonEvent) : '—'}</td>
                    <td className="num">{formatInt(d.clicks)}</td>
                    <td className="num">{formatInt(d.pageViews)}</td>
                    <td className="num">{formatPercent(d.ctr)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
