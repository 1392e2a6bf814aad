'use client';
/**
 * A user's page body. Daily charts, the range's totals and the sessions list start from the server
 * render; today's row, today's minute series and the newest sessions follow `user:update` (after
 * each worker commit that touched this user), and raw events arrive through `user:event` as Kafka
 * delivers them.
 */
import { useMemo, useState } from 'react';
import { CtrChart } from '@/components/charts/CtrChart';
import { EventBreakdownChart } from '@/components/charts/EventBreakdownChart';
import { FunnelChart } from '@/components/charts/FunnelChart';
import { UserDailyChart } from '@/components/charts/UserDailyChart';
import { UserMinuteChart } from '@/components/charts/UserMinuteChart';
import { eventLabel, formatDuration, formatInt, formatPercent, formatRatio, formatTime, formatVisitDuration } from '@/components/format';
import { Kpi } from '@/components/Kpi';
import { mergeLiveSessions } from '@/components/live/live-sessions';
import { useLiveEvent } from '@/components/live/socket';
import { SessionsTable } from '@/components/SessionsTable';
import { eachDay, type DayRange } from '@/lib/days';
import type { RecentEvent, UserDaySummary, UserPageLive, UserSessionRow, UserSessionsPage } from '@/lib/contracts/dashboard';
import { clicksPerPageViewFormula } from '@/lib/metrics/clicks-per-page-view';
import { clickThroughRateFormula } from '@/lib/metrics/click-through-rate';
import { mergeUserDays } from '@/lib/metrics/user-day-summary';

interface Props {
  userId: string;
  range: DayRange;
  initialDays: UserDaySummary[];
  /** Today's figures and minutes; the live sessions arrive with the first `user:update`. */
  initialLive: UserPageLive;
  initialRecent: RecentEvent[];
  /** The range's newest sessions, and whether older ones exist. */
  initialSessions: { sessions: UserSessionRow[]; more: boolean };
  eventTypes: readonly string[];
}

const MAX_RECENT = 20;
const SESSIONS_PAGE = 50;

const mostCommon = (types: string[]) => (types.length > 0 ? types.map(eventLabel).join(', ') : '—');

export function UserLive({ userId, range, initialDays, initialLive, initialRecent, initialSessions, eventTypes }: Props) {
  const [days, setDays] = useState(initialDays);
  const [live, setLive] = useState<UserPageLive>(initialLive);
  const [recent, setRecent] = useState(initialRecent);
  const [sessions, setSessions] = useState(initialSessions.sessions);
  const [moreSessions, setMoreSessions] = useState(initialSessions.more);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);
  const room = `user:${userId}` as const;

  useLiveEvent(room, 'user:update', (s) => {
    if (s.userId !== userId) return;
    setLive(s);
    const today = s.today;
    if (today && today.day >= range.from && today.day <= range.to) {
      setDays((prev) => [...prev.filter((d) => d.day !== today.day), today].sort((a, b) => (a.day < b.day ? -1 : 1)));
    }
    setSessions((prev) => mergeLiveSessions(prev, s.sessions, range));
  });
  useLiveEvent(room, 'user:event', (e) => {
    if (e.userId !== userId) return;
    setRecent((prev) => (prev.some((p) => p.partition === e.partition && p.offset === e.offset) ? prev : [e, ...prev].slice(0, MAX_RECENT)));
  });

  const loadOlder = async () => {
    const last = sessions.at(-1);
    if (!last) return;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      const q = new URLSearchParams({ from: range.from, to: range.to, limit: String(SESSIONS_PAGE), before: String(last.startMs) });
      const res = await fetch(`/api/users/${encodeURIComponent(userId)}/sessions?${q.toString()}`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`the server answered ${res.status}`);
      const page = (await res.json()) as UserSessionsPage;
      setSessions((prev) => {
        const known = new Set(prev.map((p) => p.startMs));
        return [...prev, ...page.sessions.filter((p) => !known.has(p.startMs))];
      });
      setMoreSessions(page.more);
    } catch (err) {
      setOlderError(`Older sessions could not be loaded: ${err instanceof Error ? err.message : String(err)}.`);
    } finally {
      setLoadingOlder(false);
    }
  };

  const allDays = useMemo(() => eachDay(range.from, range.to), [range.from, range.to]);
  // The range's totals: each day holds the accumulators of the event and session metrics; merged, then extracted.
  const totals = useMemo(() => mergeUserDays(days), [days]);
  const period = `from ${range.from} to ${range.to}`;

  return (
    <>
      <section className="kpi-group" aria-labelledby="event-figures-title">
        <h2 id="event-figures-title" className="section-title">
          Events {period}
        </h2>
        <div className="kpis">
        <Kpi label="Events" value={formatInt(totals.eventCount)} hint={`${range.from} → ${range.to}`} testId="user-events" />
        <Kpi label="Time on site (reported)" value={formatDuration(totals.timeSpentSeconds)} hint={`sum of the events' sessionDuration; visit time ${formatVisitDuration(totals.visitTimeSeconds)}`} testId="user-time" />
        <Kpi label="Clicks per page view" value={formatRatio(totals.clicksPerPageView)} hint={clicksPerPageViewFormula} testId="user-clicks-per-page-view" />
        <Kpi label="Most common event" value={mostCommon(totals.mostCommonEvents)} hint={totals.mostCommonEvents.length > 1 ? 'tied, in range' : 'in range'} testId="user-most-common" />
        <Kpi label="Events today" value={formatInt(live.today?.eventCount ?? 0)} hint={`updated ${formatTime(live.at)} UTC`} testId="user-today-events" />
        </div>
      </section>

      <section className="kpi-group" aria-labelledby="session-figures-title">
        <h2 id="session-figures-title" className="section-title">
          Sessions starting {period}
        </h2>
        <div className="kpis">
        <Kpi label="Sessions" value={formatInt(totals.sessions)} hint="first event in range" testId="user-sessions-count" />
        <Kpi label="Visit time" value={formatVisitDuration(totals.visitTimeSeconds)} hint="first to last event, summed" testId="user-visit-time" />
        <Kpi label="Average visit duration" value={formatVisitDuration(totals.averageVisitDurationSeconds)} hint="visit time ÷ sessions" testId="user-avg-visit" />
        <Kpi label="Bounce rate" value={formatPercent(totals.bounceRate)} hint={`${formatInt(totals.bounces)} one-event sessions`} testId="user-bounce-rate" />
        <Kpi label="Pages per session" value={formatRatio(totals.pagesPerSession)} hint="page views ÷ sessions" testId="user-pages-per-session" />
        <Kpi label="CTR" value={formatPercent(totals.ctr)} hint={clickThroughRateFormula} testId="user-ctr" />
        <Kpi label="Conversion rate" value={formatPercent(totals.conversionRate)} hint={`${formatInt(totals.convertedSessions)} sessions with a purchase`} testId="user-conversion" />
        </div>
      </section>

      <section className="card" aria-labelledby="daily-title">
        <h2 id="daily-title">Events, time on site and visit time per day</h2>
        {days.length === 0 ? <p className="empty">No events in this range.</p> : <UserDailyChart days={days} allDays={allDays} />}
      </section>

      <div className="grid-2">
        <section className="card" aria-labelledby="funnel-title">
          <h2 id="funnel-title">Sessions funnel</h2>
          <FunnelChart funnel={totals.funnel} sessions={totals.sessions} period="in range" testId="user-funnel" />
        </section>
        <section className="card" aria-labelledby="breakdown-title">
          <h2 id="breakdown-title">Events by type</h2>
          <EventBreakdownChart counts={totals.eventCounts} types={eventTypes} />
        </section>
      </div>

      <section className="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions list</h2>
        {sessions.length === 0 ? (
          <p className="empty" data-testid="user-sessions-empty">
            No sessions start in this range.
          </p>
        ) : (
          <SessionsTable sessions={sessions} caption={`Sessions of ${userId} starting ${period}, newest first`} />
        )}
        <div className="more-row">
          <span className="muted" data-testid="user-sessions-shown">
            {sessions.length > 0 ? `${formatInt(sessions.length)} ${sessions.length === 1 ? 'session' : 'sessions'} shown, newest first` : ''}
          </span>
          {moreSessions && sessions.length > 0 ? (
            <button type="button" className="btn btn-small" onClick={() => void loadOlder()} disabled={loadingOlder} data-testid="older-sessions">
              {loadingOlder ? 'Loading…' : 'Older sessions'}
            </button>
          ) : null}
        </div>
        {olderError ? (
          <p className="alert" role="alert">
            {olderError}
          </p>
        ) : null}
      </section>

      <div className="grid-2">
        <section className="card" aria-labelledby="ctr-title">
          <h2 id="ctr-title">CTR per day</h2>
          {days.some((d) => d.ctr !== null) ? <CtrChart days={days} allDays={allDays} /> : <p className="empty">No page views in this range, so no CTR.</p>}
        </section>
        <section className="card" aria-labelledby="minutes-title">
          <h2 id="minutes-title">Today, per minute</h2>
          <UserMinuteChart minutes={live.minutes} />
        </section>
      </div>

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

      <section className="card" aria-labelledby="table-title">
        <h2 id="table-title">Per day</h2>
        {days.length === 0 ? (
          <p className="empty">No events in this range.</p>
        ) : (
          <div className="table-scroll">
            <table className="table table-wrap-head" data-testid="user-days">
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col" className="num">Events</th>
                  <th scope="col" className="num" title="The sum of the events' sessionDuration">
                    Time on site (reported)
                  </th>
                  <th scope="col" className="num">Visit time</th>
                  <th scope="col" className="num">Sessions</th>
                  <th scope="col" className="num">Bounce rate</th>
                  <th scope="col">Most common</th>
                  <th scope="col" className="num">Clicks</th>
                  <th scope="col" className="num">Page views</th>
                  <th scope="col" className="num" title={clickThroughRateFormula}>
                    CTR
                  </th>
                  <th scope="col" className="num" title={clicksPerPageViewFormula}>
                    Clicks per page view
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...days].reverse().map((d) => (
                  <tr key={d.day}>
                    <th scope="row">{d.day}</th>
                    <td className="num">{formatInt(d.eventCount)}</td>
                    <td className="num">{formatDuration(d.timeSpentSeconds)}</td>
                    <td className="num">{formatVisitDuration(d.visitTimeSeconds)}</td>
                    <td className="num">{formatInt(d.sessions)}</td>
                    <td className="num">{formatPercent(d.bounceRate)}</td>
                    <td>{mostCommon(d.mostCommonEvents)}</td>
                    <td className="num">{formatInt(d.clicks)}</td>
                    <td className="num">{formatInt(d.pageViews)}</td>
                    <td className="num">{formatPercent(d.ctr)}</td>
                    <td className="num">{formatRatio(d.clicksPerPageView)}</td>
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
