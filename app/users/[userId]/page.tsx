import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { UserLive } from './UserLive';
import { UserRangeForm } from './UserRangeForm';
import { EVENT_TYPES } from '@/lib/events/schemas';
import { userIdParam } from '@/web/http/params';
import { parsePageParams, type RawSearchParams } from '@/web/http/search-params';
import { userDailyParamsSchema } from '@/web/http/user-detail-params';
import { getRuntime } from '@/web/live/runtime';
import { userPageStart } from '@/web/live/user-snapshot';
import { todayUtc } from '@/lib/days';

/** Sessions listed at first; older ones load on request (GET /api/users/{userId}/sessions). */
const SESSIONS_SHOWN = 50;

export const dynamic = 'force-dynamic';

type Params = Promise<{ userId: string }>;

async function validUserId(params: Params): Promise<string> {
  const parsed = userIdParam.safeParse((await params).userId);
  if (!parsed.success) notFound();
  return parsed.data;
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const parsed = userIdParam.safeParse((await params).userId);
  return { title: parsed.success ? parsed.data : 'User not found' };
}

export default async function UserPage({ params, searchParams }: { params: Params; searchParams: Promise<RawSearchParams> }) {
  const userId = await validUserId(params);
  const { data, problem } = parsePageParams(userDailyParamsSchema, await searchParams);
  const { exists, days, live, sessions } = await userPageStart(userId, data.range, SESSIONS_SHOWN);
  if (!exists) notFound();
  const recent = getRuntime()?.recent.of(userId) ?? [];
  const csv = new URLSearchParams({ from: data.range.from, to: data.range.to, format: 'csv' });
  return (
    <>
      <div className="title-row">
        <h1>
          <span className="muted">User</span> <span data-testid="user-id">{userId}</span>
        </h1>
        <a className="btn btn-small" href={`/api/users/${encodeURIComponent(userId)}/daily?${csv.toString()}`} download>
          Export daily CSV
        </a>
      </div>
      <UserRangeForm action={`/users/${encodeURIComponent(userId)}`} from={data.range.from} to={data.range.to} today={todayUtc()} />
      {problem ? (
        <p className="alert" role="alert">
          {problem}
        </p>
      ) : null}
      <UserLive
        key={`${data.range.from}:${data.range.to}`}
        userId={userId}
        range={data.range}
        initialDays={days}
        initialLive={live}
        initialRecent={recent}
        initialSessions={sessions}
        eventTypes={EVENT_TYPES}
      />
    </>
  );
}
