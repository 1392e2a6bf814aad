/**
 * One session of a user (/users/<userId>/sessions/<start as epoch ms>): its figures and its events
 * in order, read back from Kafka. 404 for a user or session that does not exist. A malformed start
 * never reaches this page: the server answers it with a 400 naming the problem (web/http/early-errors.ts).
 */
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SessionLive } from './SessionLive';
import { formatDateTime } from '@/components/format';
import { SessionEventsTable } from '@/components/SessionEventsTable';
import { SessionFigures } from '@/components/SessionFigures';
import { SessionStatus } from '@/components/SessionsTable';
import { userSessionPathSchema } from '@/web/http/user-sessions-params';
import { sessionDetail } from '@/web/live/session-detail';

export const dynamic = 'force-dynamic';

type Params = Promise<{ userId: string; start: string }>;

/** The path's userId and start; a 404 if either is invalid (the server answers a malformed start with a 400 before this). */
async function address(params: Params): Promise<{ userId: string; startMs: number }> {
  const parsed = userSessionPathSchema.safeParse(await params);
  if (!parsed.success) notFound();
  return { userId: parsed.data.userId, startMs: parsed.data.start };
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const a = await address(params);
  return { title: `Session ${formatDateTime(new Date(a.startMs).toISOString())} · ${a.userId}` };
}

export default async function SessionPage({ params }: { params: Params }) {
  const a = await address(params);
  const userHref = `/users/${encodeURIComponent(a.userId)}`;
  const detail = await sessionDetail(a.userId, a.startMs);
  if (!detail) notFound();
  const { session } = detail;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/users">Users</Link> › <Link href={userHref}>{a.userId}</Link> › Session
      </nav>
      <div className="title-row">
        <h1>
          <span className="muted">Session</span> <span data-testid="session-title">{formatDateTime(session.start)} UTC</span>
        </h1>
        <SessionStatus final={session.final} />
      </div>
      {session.final ? null : <SessionLive session={session} />}
      <section className="card" aria-labelledby="figures-title">
        <h2 id="figures-title">Figures</h2>
        <SessionFigures session={session} kafka={detail.kafka} />
      </section>
      <section className="card" aria-labelledby="events-title">
        <h2 id="events-title">Events in order</h2>
        {detail.eventsStatus === 'complete' ? null : (
          <p className={detail.eventsStatus === 'unavailable' ? 'alert' : 'notice'} role={detail.eventsStatus === 'unavailable' ? 'alert' : 'status'} data-testid="session-events-status" data-status={detail.eventsStatus}>
            {detail.eventsMessage ?? `The events could not all be read (${detail.eventsStatus}).`}
          </p>
        )}
        {detail.events.length === 0 ? (
          <p className="empty" data-testid="session-events-empty">
            No events to show.
          </p>
        ) : (
          <SessionEventsTable events={detail.events} startMs={session.startMs} />
        )}
      </section>
    </>
  );
}
