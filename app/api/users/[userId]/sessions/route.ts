/**
 * GET /api/users/{userId}/sessions?from=YYYY-MM-DD&to=YYYY-MM-DD (or day=; default: the last 7
 * days; at most 366), limit (1–500, default 50), before (epoch ms: only sessions starting before
 * it). JSON: UserSessionsPage (lib/contracts/dashboard.ts): { userId, from, to, limit, sessions:
 * [{userId, start, startMs, end, day, durationSeconds, eventCount, pageViews, clickedPageViews, ctr,
 * bounce, funnelStep, converted, final}], more } — the sessions whose first event is on a day of the
 * range, newest first; `more` says there are older ones (pass the last row's startMs as `before`).
 * 400 naming the parameter; 404 for a user never seen.
 */
import type { UserSessionsPage } from '@/lib/contracts/dashboard';
import { methodNotAllowed, notFound } from '@/web/http/errors';
import { parseQuery, parseWith } from '@/web/http/parse';
import { withErrors } from '@/web/http/route';
import { userPathSchema } from '@/web/http/user-detail-params';
import { userSessionsParamsSchema } from '@/web/http/user-sessions-params';
import { userExists } from '@/web/queries/user/user-exists';
import { userSessions } from '@/web/queries/user/user-sessions';

export const dynamic = 'force-dynamic';

export const GET = withErrors('user-sessions', async (request: Request, ctx: { params: Promise<{ userId: string }> }) => {
  const path = parseWith(userPathSchema, await ctx.params, 'userId');
  if (!path.ok) return path.response;
  const query = parseQuery(userSessionsParamsSchema, request.url);
  if (!query.ok) return query.response;
  const { userId } = path.data;
  const { range, limit, beforeMs } = query.data;
  const [exists, list] = await Promise.all([userExists(userId), userSessions(userId, range, limit, beforeMs)]);
  if (!exists) return notFound(`userId: no events have been counted for user ${userId}`);
  const body: UserSessionsPage = { userId, from: range.from, to: range.to, limit, sessions: list.sessions, more: list.more };
  return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
});

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
