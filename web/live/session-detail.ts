/**
 * One session with its events read back from Kafka: what GET /api/users/{userId}/sessions/{start}
 * returns and the session page shows. Null when the user has no session starting at that instant.
 */
import type { UserSessionDetail } from '@/lib/contracts/dashboard';
import { userSession } from '@/web/queries/user/user-session';
import { getRuntime } from './runtime';
import type { SessionEventsResult } from './session-events-reader';

const NO_LIVE_SERVICES: SessionEventsResult = {
  status: 'unavailable',
  message: 'The live services are not running (start the app with web/server.ts, not `next dev`), so Kafka cannot be read.',
  events: [],
};

export async function sessionDetail(userId: string, startMs: number): Promise<UserSessionDetail | null> {
  const stored = await userSession(userId, startMs);
  if (!stored) return null;
  const { session, partition, firstOffset, lastOffset } = stored;
  const runtime = getRuntime();
  const read = runtime
    ? await runtime.sessionEvents.read({ userId, startMs: session.startMs, endMs: Date.parse(session.end), partition, firstOffset, lastOffset, eventCount: session.eventCount })
    : NO_LIVE_SERVICES;
  return {
    session,
    kafka: { topic: runtime?.cfg.TOPIC_EVENTS ?? '', partition, firstOffset, lastOffset },
    eventsStatus: read.status,
    eventsMessage: read.message,
    events: read.events,
  };
}
