/**
 * GET /api/users?day=YYYY-MM-DD | from=&to=, sort=userId|timeSpent|events|mostCommonEvent|clicks|
 * pageViews|ctr, order, q (userId prefix), limit, cursor, format=json|csv. JSON: { from, to, total,
 * rows: [{userId, eventCount, timeSpentSeconds, clicks, pageViews, ctr, mostCommonEvent}],
 * nextCursor, prevCursor } (pass either back as `cursor` for the next or the previous page; ties on
 * the sort key go by userId). CSV: every matching row in the same order (up to 100,000).
 */
import { csvHeaders, csvStream } from '@/web/http/csv';
import { methodNotAllowed } from '@/web/http/errors';
import { parseQuery } from '@/web/http/parse';
import { withErrors } from '@/web/http/route';
import { usersParamsSchema } from '@/web/http/users-list-params';
import { allUsersRows, usersTable } from '@/web/queries/users/users-table';

export const dynamic = 'force-dynamic';

export const GET = withErrors('users', async (request: Request) => {
  const parsed = parseQuery(usersParamsSchema, request.url);
  if (!parsed.ok) return parsed.response;
  const { range, sort, order, q, limit, cursor, format } = parsed.data;
  if (format === 'csv') {
    const batches = (async function* () {
      for await (const rows of allUsersRows({ range, sort, order, q })) {
        yield rows.map((r) => [r.userId, r.timeSpentSeconds, r.eventCount, r.mostCommonEvent, r.clicks, r.pageViews, r.ctr]);
      }
    })();
    const header = ['userId', 'timeSpentSeconds', 'eventCount', 'mostCommonEvent', 'clicks', 'pageViews', 'ctr'];
    return new Response(csvStream(header, batches), { headers: csvHeaders(`users_${range.from}_${range.to}.csv`) });
  }
  const table = await usersTable({ range, sort, order, q, limit, cursor });
  return Response.json(table, { headers: { 'Cache-Control': 'no-store' } });
});

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
