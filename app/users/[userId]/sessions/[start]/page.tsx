/**
 * One session of a user (/users/<userId>/sessions/<start as epoch ms>): its figures and its events
 * in order, read back from Kafka. 404 for a user or session that does not exist; a malformed start
 * gets a message naming what is wrong (the address, not the data, is bad).
 */
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SessionLive } from './SessionLive';
import { formatDateTime } from '@/components/format';
import { SessionEventsTable } from '@/components/SessionEventsTable';
import { SessionFigures } from '@/components/SessionFigures';
import { SessionStatus } from '@/components/SessionsTable';
import { userIdParam } from '@/web/http/params';
import { userSessionPathSchema } from '@/web/http/user-sessions-params';
import { sessionDetail } from '@/web/live/session-detail';

export const dynamic = 'force-dynamic';

type Params = Promise<{ userId: string; start: string }>;

type Address = { ok: true; userId: string; startMs: number } | { ok: false; userId: string; problem: string };

/** The path's userId (an invalid one is a 404, like the user page) and start (an invalid one is a bad request). */
async function address(params: Params): Promise<Address> {
  const raw = await params;
  const user = userIdParam.safeParse(raw.userId);
  if (!user.success) notFound();
  const parsed = userSessionPathSchema.safeParse(raw);
  if (parsed.success) return { ok: true, userId: parsed.data.userId, startMs: parsed.data.start };
  const issue = parsed.error.issues[0];
  return { ok: false, userId: user.data, problem: `start: ${issue?.message ?? 'is not valid'} (got “${raw.start.slice(0, 40)}”).` };
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const a = await address(params);
  return { title: a.ok ? `Session ${formatDateTime(new Date(a.startMs).toISOString())} · ${a.userId}` : 'Bad session address' };
}

export default async function SessionPage({ params }: { params: Params }) {
  const a = await address(params);
  const userHref = `/users/${encodeURIComponent(a.userId)}`;
  if (!a.ok) {
    return (
      <section className="card not-found" data-testid="bad-session">
        <h1>Bad session address</h1>
        <p className="alert" role="alert">
          {a.problem}
        </p>
        <p>
          A session&apos;s address ends with its start as epoch milliseconds; the sessions list on the <Link href={userHref}>user&apos;s page</Link> links to each.
        </p>
      </section>
    );
  }
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
