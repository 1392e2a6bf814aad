/**
 * GET /api/users/{userId}/minutes?from=ISO&to=ISO (default: today so far, UTC; at most 7 days).
 * JSON: [{windowStart, eventCount, timeSpentSeconds}], oldest first. 404 for a user never seen.
 */
import { methodNotAllowed, notFound } from '@/web/http/errors';
import { parseQuery, parseWith } from '@/web/http/parse';
import { withErrors } from '@/web/http/route';
import { userMinutesParamsSchema, userPathSchema } from '@/web/http/user-detail-params';
import { userExists } from '@/web/queries/user/user-exists';
import { userMinutes } from '@/web/queries/user/user-minutes';

export const dynamic = 'force-dynamic';

export const GET = withErrors('user-minutes', async (request: Request, ctx: { params: Promise<{ userId: string }> }) => {
  const path = parseWith(userPathSchema, await ctx.params, 'userId');
  if (!path.ok) return path.response;
  const query = parseQuery(userMinutesParamsSchema, request.url);
  if (!query.ok) return query.response;
  const { userId } = path.data;
  const [exists, minutes] = await Promise.all([userExists(userId), userMinutes(userId, query.data.fromMs, query.data.toMs)]);
  if (!exists) return notFound(`userId: no events have been counted for user ${userId}`);
  return Response.json(minutes, { headers: { 'Cache-Control': 'no-store' } });
});

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
