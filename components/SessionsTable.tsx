/**
 * A user's sessions (newest first): start, end, visit duration, events, page views, CTR, converted,
 * open or final; each start links to the session's page. Plain markup, so both the user page's
 * live part and server components can use it.
 */
import Link from 'next/link';
import { formatDateTime, formatInt, formatPercent, formatTime, formatVisitDuration } from './format';
import type { UserSessionRow } from '@/lib/contracts/dashboard';

/** The session page of a session: /users/<userId>/sessions/<start as epoch ms>. */
export function sessionHref(s: Pick<UserSessionRow, 'userId' | 'startMs'>): string {
  return `/users/${encodeURIComponent(s.userId)}/sessions/${s.startMs}`;
}

/** The end as the list shows it: the time only when the session ends on the day it started. */
function endText(s: UserSessionRow): string {
  return s.end.slice(0, 10) === s.start.slice(0, 10) ? formatTime(s.end) : formatDateTime(s.end);
}

export function SessionStatus({ final }: { final: boolean }) {
  return final ? (
    <span className="status status-final" title="No counted event can change this session any more">
      Final
    </span>
  ) : (
    <span className="status status-open" title="The session can still grow or merge with a neighbour">
      Open
    </span>
  );
}

export function SessionsTable({ sessions, caption, testId = 'user-sessions' }: { sessions: UserSessionRow[]; caption: string; testId?: string }) {
  return (
    <div className="table-scroll">
      <table className="table" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Start</th>
            <th scope="col">End</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col" className="num">
              Events
            </th>
            <th scope="col" className="num">
              Page views
            </th>
            <th scope="col" className="num">
              CTR
            </th>
            <th scope="col">Converted</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.startMs} data-start={s.startMs}>
              <th scope="row">
                <Link href={sessionHref(s)} aria-label={`Session starting ${formatDateTime(s.start)} UTC`}>
                  <time dateTime={s.start}>{formatDateTime(s.start)}</time>
                </Link>
              </th>
              <td>
                <time dateTime={s.end}>{endText(s)}</time>
              </td>
              <td className="num">{formatVisitDuration(s.durationSeconds)}</td>
              <td className="num">{formatInt(s.eventCount)}</td>
              <td className="num">{formatInt(s.pageViews)}</td>
              <td className="num">{formatPercent(s.ctr)}</td>
              <td>{s.converted ? 'Yes' : 'No'}</td>
              <td>
                <SessionStatus final={s.final} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
