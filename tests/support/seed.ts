/**
 * Deterministic aggregate rows for tests and benchmarks, written straight into the tables the worker
 * fills (user_daily with its counts per event type, user_session, user_minute and, on request, global_minute).
 * Users are `${prefix}-00000` …; global_minute rows are added to whatever is there. The sessions of
 * a user-day (1 to 3, starting on that day) hold exactly its events and page views; their Kafka
 * offsets point nowhere (the session page says their events cannot be read).
 */
import { Prisma, type PrismaClient } from '@/lib/db/generated/client';
import { EVENT_TYPE_COLUMNS } from '@/lib/metrics/sql';
import { EVENT_TYPES } from '@/lib/events/schemas';
import { applyGlobalTotalsOf, fillUserDaySessionStats } from '@/tooling/db/derived-totals';

export interface SeedOptions {
  prefix: string;
  users: number;
  days: number;
  /** Minutes of user_minute/global_minute rows ending now (for the live charts); 0 for none. */
  minutes?: number;
  nowMs?: number;
  /** Deterministic variety. */
  seed?: number;
  /**
   * Also add the minutes to global_minute (shared by every user, so off by default: tests that
   * share a database with others must not change global totals under them).
   */
  global?: boolean;
  /** Also write user_session rows (on by default). */
  sessions?: boolean;
}

type SessionRow = {
  userId: string; startAt: Date; endAt: Date; day: Date; eventCount: number; pageViews: number; clickedPageViews: number;
  funnelStep: number; converted: boolean; partition: number; firstOffset: bigint; lastOffset: bigint; final: boolean;
};

/** 1–3 sessions holding a user-day's events, page views and at most its clicks as clicked page views. */
function daySessions(userId: string, day: Date, eventCount: number, pageViews: number, clicks: number, random: () => number, nowMs: number): SessionRow[] {
  const k = Math.min(eventCount, 1 + Math.floor(random() * 3));
  const sizes = Array.from({ length: k }, () => 1);
  for (let left = eventCount - k; left > 0; left--) {
    const i = Math.floor(random() * k);
    sizes[i] = (sizes[i] ?? 1) + 1;
  }
  let pvLeft = pageViews;
  let clicksLeft = clicks;
  const out: SessionRow[] = [];
  for (let i = 0; i < k; i++) {
    const n = sizes[i] ?? 1;
    const pv = Math.min(n, pvLeft);
    pvLeft -= pv;
    const clicked = Math.min(pv, clicksLeft, Math.floor(random() * (pv + 1)));
    clicksLeft -= clicked;
    const startAt = new Date(day.getTime() + (1 + 4 * i) * 3_600_000 + Math.floor(random() * 3_600_000));
    const endAt = new Date(startAt.getTime() + (n === 1 ? 0 : Math.floor(random() * 40 * 60_000) + 1000));
    const funnelStep = pv === 0 ? 0 : random() < 0.6 ? 1 : random() < 0.6 ? 2 : 3;
    out.push({
      userId, startAt, endAt, day, eventCount: n, pageViews: pv, clickedPageViews: clicked, funnelStep, converted: funnelStep === 3 || random() < 0.03,
      partition: 0, firstOffset: BigInt(i * 1000), lastOffset: BigInt(i * 1000 + n - 1), final: endAt.getTime() < nowMs - 3_600_000,
    });
  }
  return out;
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

interface TypeCount {
  userId: string;
  day: Date;
  eventType: string;
  count: number;
}

/** Sets one event type's count column of the given user-days (rows of user_daily already written). */
async function setTypeCounts(db: PrismaClient, column: string, counts: readonly TypeCount[]): Promise<void> {
  for (let i = 0; i < counts.length; i += 20_000) {
    const part = counts.slice(i, i + 20_000);
    await db.$executeRaw`
      UPDATE user_daily d SET ${Prisma.raw(column)} = x.c
      FROM unnest(${part.map((c) => c.userId)}::text[], ${part.map((c) => c.day.toISOString().slice(0, 10))}::date[], ${part.map((c) => c.count)}::int[]) AS x(u, day, c)
      WHERE d.user_id = x.u AND d.day = x.day`;
  }
}

export function seedUserId(prefix: string, i: number): string {
  return `${prefix}-${String(i).padStart(5, '0')}`;
}

export async function seedAggregates(db: PrismaClient, o: SeedOptions): Promise<void> {
  const now = o.nowMs ?? Date.now();
  const random = rng(o.seed ?? 42);
  const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  const daily: Parameters<PrismaClient['userDaily']['createMany']>[0] extends infer A ? (A extends { data: infer D } ? (D extends readonly (infer R)[] ? R[] : never) : never) : never = [];
  const events: TypeCount[] = [];
  const sessions: SessionRow[] = [];
  // Its own random stream, so the other tables hold what they held before sessions were seeded.
  const sessionRandom = rng((o.seed ?? 42) + 7919);
  for (let u = 0; u < o.users; u++) {
    const userId = seedUserId(o.prefix, u);
    for (let d = 0; d < o.days; d++) {
      const day = new Date(today - d * 86_400_000);
      const counts = EVENT_TYPES.map((t) => [t, Math.floor(random() * 12)] as const).filter(([, n]) => n > 0);
      const eventCount = counts.reduce((a, [, n]) => a + n, 0);
      if (eventCount === 0) continue;
      const clicks = counts.find(([t]) => t === 'click')?.[1] ?? 0;
      const pageViews = counts.find(([t]) => t === 'pageView')?.[1] ?? 0;
      daily.push({
        userId, day, eventCount, timeSpentSeconds: BigInt(Math.floor(random() * 3600)), clicks, pageViews,
        firstEventAt: new Date(day.getTime() + 3_600_000), lastEventAt: new Date(day.getTime() + 7_200_000),
      });
      for (const [eventType, count] of counts) events.push({ userId, day, eventType, count });
      if (o.sessions !== false) sessions.push(...daySessions(userId, day, eventCount, pageViews, clicks, sessionRandom, now));
    }
  }
  for (let i = 0; i < daily.length; i += 5000) await db.userDaily.createMany({ data: daily.slice(i, i + 5000), skipDuplicates: true });
  for (const type of EVENT_TYPES) await setTypeCounts(db, EVENT_TYPE_COLUMNS[type], events.filter((e) => e.eventType === type));
  for (let i = 0; i < sessions.length; i += 5000) await db.userSession.createMany({ data: sessions.slice(i, i + 5000), skipDuplicates: true });

  const minutes = o.minutes ?? 0;
  const global = new Map<string, number>();
  if (minutes > 0) {
    const current = Math.floor(now / 60_000) * 60_000;
    const userMinutes: { userId: string; windowStart: Date; eventCount: number; timeSpentSeconds: bigint }[] = [];
    for (let m = 0; m < minutes; m++) {
      const windowStart = new Date(current - m * 60_000);
      for (let u = 0; u < Math.min(o.users, 50); u++) {
        if (random() < 0.5) continue;
        const n = 1 + Math.floor(random() * 5);
        userMinutes.push({ userId: seedUserId(o.prefix, u), windowStart, eventCount: n, timeSpentSeconds: BigInt(n * 20) });
        const type = EVENT_TYPES[Math.floor(random() * EVENT_TYPES.length)] ?? 'pageView';
        const key = `${windowStart.toISOString()}|${type}`;
        global.set(key, (global.get(key) ?? 0) + n);
      }
    }
    for (let i = 0; i < userMinutes.length; i += 5000) await db.userMinute.createMany({ data: userMinutes.slice(i, i + 5000), skipDuplicates: true });
  }
  await fillUserDaySessionStats(db, `${o.prefix}-%`);
  await applyGlobalTotalsOf(db, `${o.prefix}-%`, 1);
  if (global.size > 0 && o.global) {
    const keys = [...global.keys()];
    const starts = keys.map((k) => k.split('|')[0] ?? '');
    const types = keys.map((k) => k.split('|')[1] ?? '');
    const counts = keys.map((k) => global.get(k) ?? 0);
    await db.$executeRaw`
      INSERT INTO global_minute (window_start, event_type, count)
      SELECT s::timestamptz, t, c FROM unnest(${starts}::text[], ${types}::text[], ${counts}::int[]) AS x(s, t, c)
      ON CONFLICT (window_start, event_type) DO UPDATE SET count = global_minute.count + EXCLUDED.count`;
  }
}

/** Removes what seedAggregates wrote for a prefix, with its share of global_daily, global_minute_users and global_session_ends (global_minute is left alone). */
export async function deleteSeeded(db: PrismaClient, prefix: string): Promise<void> {
  const pattern = `${prefix}-%`;
  await applyGlobalTotalsOf(db, pattern, -1);
  await db.$executeRaw`DELETE FROM user_daily WHERE user_id LIKE ${pattern}`;
  await db.$executeRaw`DELETE FROM user_minute WHERE user_id LIKE ${pattern}`;
  await db.$executeRaw`DELETE FROM user_session WHERE user_id LIKE ${pattern}`;
}
