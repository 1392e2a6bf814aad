/**
 * GET /api/users?day=YYYY-MM-DD | from=&to=, sort=userId|timeSpent|events|mostCommonEvent|clicks|
 * pageViews|clicksPerPageView|ctr|sessions|visitTime|bounceRate, order, q (userId prefix), limit,
 * cursor, format=json|csv. JSON: UsersTable (lib/contracts/dashboard.ts): { from, to, total,
 * rows: [{userId, eventCount, timeSpentSeconds, clicks, pageViews, clicksPerPageView,
 * mostCommonEvents, sessions, visitTimeSeconds, bounceRate, ctr}], nextCursor, prevCursor } (pass
 * either back as `cursor` for the next or the previous page; ties on the sort key go by userId;
 * mostCommonEvent sorts by the first tied type in COLLATE "C" order). CSV: every matching row in
 * the same order, read in one query, the tied most common events joined with "|"; at most
 * MAX_CSV_ROWS (100,000) rows: when more users match, a 400 naming `format` says how many and how to
 * narrow the export.
 */
import { batchesOf, csvHeaders, csvStream } from '@/web/http/csv';
import { badRequest, methodNotAllowed } from '@/web/http/errors';
import { parseQuery } from '@/web/http/parse';
import { withErrors } from '@/web/http/route';
import { MAX_CSV_ROWS, usersParamsSchema } from '@/web/http/users-list-params';
import { MOST_COMMON_EVENTS_SEPARATOR } from '@/lib/metrics/most-common-event';
import { countUsers } from '@/web/queries/users/count-users';
import { allUsersRows, usersTable } from '@/web/queries/users/users-table';

export const dynamic = 'force-dynamic';

export const GET = withErrors('users', async (request: Request) => {
  const parsed = parseQuery(usersParamsSchema, request.url);
  if (!parsed.ok) return parsed.response;
  const { range, sort, order, q, limit, cursor, format } = parsed.data;
  if (format === 'csv') {
    const all = await allUsersRows({ range, sort, order, q }, MAX_CSV_ROWS);
    if (!all.complete) {
      const total = await countUsers({ range, sort, q });
      return badRequest('format', `a CSV export holds at most ${MAX_CSV_ROWS.toLocaleString('en-US')} rows and ${total.toLocaleString('en-US')} users match; narrow the range (day, or from and to) or filter by a userId prefix (q)`);
    }
    const cells = all.rows.map((r) => [
      r.userId, r.timeSpentSeconds, r.eventCount, r.mostCommonEvents.join(MOST_COMMON_EVENTS_SEPARATOR), r.clicks, r.pageViews, r.clicksPerPageView,
      r.sessions, r.visitTimeSeconds, r.bounceRate, r.ctr,
    ]);
    const header = ['userId', 'timeSpentSeconds', 'eventCount', 'mostCommonEvents', 'clicks', 'pageViews', 'clicksPerPageView', 'sessions', 'visitTimeSeconds', 'bounceRate', 'ctr'];
    return new Response(csvStream(header, batchesOf(cells, 2000)), { headers: csvHeaders(`users_${range.from}_${range.to}.csv`) });
  }
  const table = await usersTable({ range, sort, order, q, limit, cursor });
  return Response.json(table, { headers: { 'Cache-Control': 'no-store' } });
});

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
