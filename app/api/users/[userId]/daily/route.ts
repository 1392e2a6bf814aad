/**
 * GET /api/users/{userId}/daily?from=YYYY-MM-DD&to=YYYY-MM-DD (default: the last 7 days), format=json|csv.
 * JSON: UserDaySummary[] (lib/contracts/dashboard.ts), sorted by day: the event metrics {day,
 * eventCount, timeSpentSeconds, eventCounts: {type: n}, mostCommonEvents, clicks, pageViews,
 * clicksPerPageView} and the metrics of the sessions starting that day {sessions, visitTimeMs,
 * visitTimeSeconds, averageVisitDurationSeconds, bounces, bounceRate, sessionPageViews,
 * pagesPerSession, clickedPageViews, ctr, convertedSessions, conversionRate, funnel: {pageView,
 * addToCart, purchase}}. Days without events are left out. CSV: one line per day, the tied most
 * common events joined with "|", the funnel as three columns, then a count per event type.
 * 404 for a user never seen.
 */
import { csvHeaders, csvStream } from '@/web/http/csv';
import { methodNotAllowed, notFound } from '@/web/http/errors';
import { parseQuery, parseWith } from '@/web/http/parse';
import { withErrors } from '@/web/http/route';
import { userDailyParamsSchema, userPathSchema } from '@/web/http/user-detail-params';
import { EVENT_TYPES } from '@/lib/events/schemas';
import { MOST_COMMON_EVENTS_SEPARATOR } from '@/lib/metrics/most-common-event';
import { userDaily } from '@/web/queries/user/user-daily';
import { userExists } from '@/web/queries/user/user-exists';

export const dynamic = 'force-dynamic';

export const GET = withErrors('user-daily', async (request: Request, ctx: { params: Promise<{ userId: string }> }) => {
  const path = parseWith(userPathSchema, await ctx.params, 'userId');
  if (!path.ok) return path.response;
  const query = parseQuery(userDailyParamsSchema, request.url);
  if (!query.ok) return query.response;
  const { userId } = path.data;
  const { range, format } = query.data;
  const [exists, days] = await Promise.all([userExists(userId), userDaily(userId, range)]);
  if (!exists) return notFound(`userId: no events have been counted for user ${userId}`);
  if (format === 'csv') {
    const header = [
      'day', 'eventCount', 'timeSpentSeconds', 'mostCommonEvents', 'clicks', 'pageViews', 'clicksPerPageView',
      'sessions', 'visitTimeSeconds', 'averageVisitDurationSeconds', 'bounces', 'bounceRate', 'sessionPageViews', 'pagesPerSession',
      'clickedPageViews', 'ctr', 'convertedSessions', 'conversionRate', 'funnelPageView', 'funnelAddToCart', 'funnelPurchase',
      ...EVENT_TYPES,
    ];
    const rows = days.map((d) => [
      d.day, d.eventCount, d.timeSpentSeconds, d.mostCommonEvents.join(MOST_COMMON_EVENTS_SEPARATOR), d.clicks, d.pageViews, d.clicksPerPageView,
      d.sessions, d.visitTimeSeconds, d.averageVisitDurationSeconds, d.bounces, d.bounceRate, d.sessionPageViews, d.pagesPerSession,
      d.clickedPageViews, d.ctr, d.convertedSessions, d.conversionRate, d.funnel.pageView, d.funnel.addToCart, d.funnel.purchase,
      ...EVENT_TYPES.map((t) => d.eventCounts[t] ?? 0),
    ]);
    return new Response(csvStream(header, [rows]), { headers: csvHeaders(`${userId}_daily_${range.from}_${range.to}.csv`) });
  }
  return Response.json(days, { headers: { 'Cache-Control': 'no-store' } });
});

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
