/**
 * GET /api/users/{userId}/sessions/{start}, `start` being the session's first event time in epoch
 * milliseconds (`startMs` in the list). JSON: UserSessionDetail (lib/contracts/dashboard.ts):
 * { session, kafka: {topic, partition, firstOffset, lastOffset}, eventsStatus, eventsMessage,
 * events: [{userId, eventType, timestamp, eventTime, sessionDuration, page, productId, partition,
 * offset}] } — the events read back from Kafka in (event time, offset) order; when they cannot all
 * be shown (retention, a re-created topic, too large a range, Kafka not answering) eventsStatus and
 * eventsMessage say so. 400 naming `userId` or `start`; 404 when the user has no session starting
 * at that instant.
 */
import { methodNotAllowed, notFound } from '@/web/http/errors';
import { parseWith } from '@/web/http/parse';
import { withErrors } from '@/web/http/route';
import { userSessionPathSchema } from '@/web/http/user-sessions-params';
import { sessionDetail } from '@/web/live/session-detail';

export const dynamic = 'force-dynamic';

export const GET = withErrors('user-session', async (_request: Request, ctx: { params: Promise<{ userId: string; start: string }> }) => {
  const path = parseWith(userSessionPathSchema, await ctx.params, 'start');
  if (!path.ok) return path.response;
  const { userId, start } = path.data;
  const body = await sessionDetail(userId, start);
  if (!body) return notFound(`start: user ${userId} has no session starting at ${new Date(start).toISOString()}`);
  return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
});

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
