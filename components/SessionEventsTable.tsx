/**
 * A session's events in the order the worker folds them (event time, then Kafka offset): time,
 * time since the session's start, type, page, product, the duration the event reports, and its
 * Kafka offset.
 */
import { eventLabel, formatDuration, formatInt, formatTimeMs, formatVisitDuration } from './format';
import type { SessionEvent } from '@/lib/contracts/dashboard';

export function SessionEventsTable({ events, startMs }: { events: SessionEvent[]; startMs: number }) {
  const startDay = new Date(startMs).toISOString().slice(0, 10);
  // The time of day; with the date for an event after midnight (a session belongs to its first event's day).
  const when = (iso: string) => (iso.slice(0, 10) === startDay ? formatTimeMs(iso) : `${iso.slice(0, 10)} ${formatTimeMs(iso)}`);
  return (
    <div className="table-scroll">
      <table className="table" data-testid="session-events">
        <caption className="sr-only">The session&apos;s events in order</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Time (UTC)</th>
            <th scope="col" className="num">
              Since start
            </th>
            <th scope="col">Type</th>
            <th scope="col">Page</th>
            <th scope="col">Product</th>
            <th scope="col" className="num" title="The event's sessionDuration">
              Reported duration
            </th>
            <th scope="col" className="num">
              Offset
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((e, i) => (
            <tr key={`${e.partition}:${e.offset}`}>
              <td className="num">{formatInt(i + 1)}</td>
              <th scope="row">
                <time dateTime={e.eventTime}>{when(e.eventTime)}</time>
              </th>
              <td className="num">+{formatVisitDuration((Date.parse(e.eventTime) - startMs) / 1000)}</td>
              <td>
                <span className={`event-pill event-${e.eventType}`}>{eventLabel(e.eventType)}</span>
              </td>
              <td>{e.page ?? '—'}</td>
              <td>{e.productId ?? '—'}</td>
              <td className="num">{formatDuration(e.sessionDuration)}</td>
              <td className="num">{e.offset}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
