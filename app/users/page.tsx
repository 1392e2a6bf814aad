import type { Metadata } from 'next';
import Link from 'next/link';
import { UsersFilters } from './UsersFilters';
import { formatDateTime, formatDuration, formatInt, formatPercent, formatRatio, formatVisitDuration, eventLabel } from '@/components/format';
import { parsePageParams, type RawSearchParams } from '@/web/http/search-params';
import { usersParamsSchema, type UsersParams } from '@/web/http/users-list-params';
import { addDays, todayUtc } from '@/lib/days';
import { config } from '@/lib/config';
import { clicksPerPageViewFormula } from '@/lib/metrics/clicks-per-page-view';
import { clickThroughRateFormula } from '@/lib/metrics/click-through-rate';
import type { UserSort } from '@/web/queries/users/users-cursor';
import { usersTable } from '@/web/queries/users/users-table';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Users' };

/** The table's columns, each sortable by the backend's sort of the same name (USER_SORTS). */
const COLUMNS: { key: UserSort; label: string; numeric: boolean; title?: string }[] = [
  { key: 'userId', label: 'User', numeric: false },
  { key: 'timeSpent', label: 'Time on site (reported)', numeric: true, title: "The sum of the events' sessionDuration, as the events report it" },
  { key: 'visitTime', label: 'Visit time', numeric: true, title: 'First to last event of each session, summed' },
  { key: 'events', label: 'Events', numeric: true },
  { key: 'sessions', label: 'Sessions', numeric: true, title: 'Sessions whose first event is in the period' },
  { key: 'bounceRate', label: 'Bounce rate', numeric: true, title: 'One-event sessions ÷ sessions' },
  { key: 'mostCommonEvent', label: 'Most common event', numeric: false, title: 'Every tied type is shown; sorted by the first' },
  { key: 'ctr', label: 'CTR', numeric: true, title: clickThroughRateFormula },
  { key: 'clicksPerPageView', label: 'Clicks per page view', numeric: true, title: clicksPerPageViewFormula },
];

function href(p: UsersParams, change: Partial<{ sort: UserSort; order: 'asc' | 'desc'; cursor: string | null; page: number }>): string {
  const q = new URLSearchParams();
  if (p.range.from === p.range.to) {
    if (p.range.from !== todayUtc()) q.set('day', p.range.from);
  } else {
    q.set('from', p.range.from);
    q.set('to', p.range.to);
  }
  if (p.q) q.set('q', p.q);
  q.set('sort', change.sort ?? p.sort);
  q.set('order', change.order ?? p.order);
  if (p.limit !== 50) q.set('limit', String(p.limit));
  if (change.cursor) q.set('cursor', change.cursor);
  if (change.page && change.page > 1) q.set('page', String(change.page));
  return `/users?${q.toString()}`;
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const raw = await searchParams;
  const { data: p, problem } = parsePageParams(usersParamsSchema, raw);
  const table = await usersTable(p);
  // Keyset cursors carry no offset: the page number rides along in the URL for "rows x–y of N"
  // (so reloads and back/forward keep it); without a page before, this is page 1 whatever it says.
  const claimed = Math.max(1, Math.min(1_000_000, Number.parseInt(String(raw.page ?? '1'), 10) || 1));
  const pageNo = table.prevCursor ? Math.max(2, claimed) : 1;
  const first = (pageNo - 1) * p.limit + 1;
  const exportQuery = new URLSearchParams({ from: p.range.from, to: p.range.to, sort: p.sort, order: p.order, format: 'csv', ...(p.q ? { q: p.q } : {}) });
  const today = todayUtc();
  const rangeLabel = p.range.from === p.range.to ? (p.range.from === today ? `today (${today})` : p.range.from) : `${p.range.from} to ${p.range.to}`;
  return (
    <>
      <h1>Users</h1>
      <UsersFilters from={p.range.from} to={p.range.to} q={p.q} sort={p.sort} order={p.order} today={today} yesterday={addDays(today, -1)} />
      {problem ? (
        <p className="alert" role="alert">
          {problem}
        </p>
      ) : null}
      <section className="card" aria-labelledby="users-title">
        <div className="card-head">
          <h2 id="users-title">
            {formatInt(table.total)} {table.total === 1 ? 'user' : 'users'} · {rangeLabel}
          </h2>
          <a className="btn btn-small" href={`/api/users?${exportQuery.toString()}`} download>
            Export CSV
          </a>
        </div>
        {table.rows.length === 0 ? (
          <p className="empty" data-testid="users-empty">
            {p.q ? `No user id starts with “${p.q}” in this period.` : 'No users in this period yet.'}
          </p>
        ) : (
          <div className="table-scroll">
            <table className="table table-wrap-head" data-testid="users-table">
              <thead>
                <tr>
                  {COLUMNS.map((c) => {
                    const active = c.key === p.sort;
                    const nextOrder = active && p.order === 'desc' ? 'asc' : active ? 'desc' : c.numeric ? 'desc' : 'asc';
                    return (
                      <th
                        key={c.label}
                        scope="col"
                        className={c.numeric ? 'num' : undefined}
                        aria-sort={active ? (p.order === 'asc' ? 'ascending' : 'descending') : undefined}
                        title={c.title}
                      >
                        <Link href={href(p, { sort: c.key, order: nextOrder })} className="sort-link" data-testid={`sort-${c.key}`}>
                          {c.label}
                          <span aria-hidden="true" className="sort-arrow">
                            {active ? (p.order === 'asc' ? '▲' : '▼') : '↕'}
                          </span>
                        </Link>
                      </th>
                    );
                  })}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((r) => (
                  <tr key={r.userId}>
                    <th scope="row">
                      <Link href={`/users/${encodeURIComponent(r.userId)}`}>{r.userId}</Link>
                    </th>
                    <td className="num">{formatDuration(r.timeSpentSeconds)}</td>
                    <td className="num">{formatVisitDuration(r.visitTimeSeconds)}</td>
                    <td className="num">{formatInt(r.eventCount)}</td>
                    <td className="num">{formatInt(r.sessions)}</td>
                    <td className="num">{formatPercent(r.bounceRate)}</td>
                    <td>{r.mostCommonEvents.length > 0 ? r.mostCommonEvents.map(eventLabel).join(', ') : '—'}</td>
                    <td className="num">{formatPercent(r.ctr)}</td>
                    <td className="num">{formatRatio(r.clicksPerPageView)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {table.asOf ? (
          <p className="muted table-note" data-testid="users-as-of">
            Figures as of {formatDateTime(table.asOf)} UTC: sorted this way, the table of a period is read once and read again every{' '}
            {Math.round(config().USERS_RANGE_SNAPSHOT_TTL_MS / 1000)} s.
          </p>
        ) : null}
        <p className="muted table-note">
          Sessions count on the day of their first event. Time on site is what the events report (the sum of their sessionDuration); visit time is measured
          on the timeline. CTR: {clickThroughRateFormula}. Clicks per page view: {clicksPerPageViewFormula}.
        </p>
        <nav className="pager" aria-label="Pages">
          <span className="muted" data-testid="users-rows">
            {table.rows.length > 0 ? `Rows ${formatInt(first)}–${formatInt(first + table.rows.length - 1)} of ${formatInt(table.total)}` : ''}
          </span>
          <span className="pager-links">
            {table.prevCursor ? (
              <>
                <Link className="btn btn-small" href={href(p, { cursor: null })} data-testid="first-page">
                  First page
                </Link>
                <Link className="btn btn-small" href={href(p, { cursor: table.prevCursor, page: pageNo - 1 })} data-testid="prev-page" rel="prev">
                  ← Previous page
                </Link>
              </>
            ) : null}
            {table.nextCursor ? (
              <Link className="btn btn-small" href={href(p, { cursor: table.nextCursor, page: pageNo + 1 })} data-testid="next-page" rel="next">
                Next page →
              </Link>
            ) : null}
          </span>
        </nav>
      </section>
    </>
  );
}
