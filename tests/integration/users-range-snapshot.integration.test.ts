/**
 * The users table of a range of several days (and of a day, by most sorts) is served from a
 * snapshot of every user's sums (web/queries/users/range-snapshots.ts), against the real database:
 * one read shared by concurrent requests, the same snapshot until its TTL, the previous one while
 * a newer one is read, a wait for a new one past the grace period, the least recently used range
 * dropped, and `asOf` in the answer. Expected figures are the values this test inserts, summed here. Old days and this run's
 * user ids keep the shared test database's other rows out of the figures checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as usersGET } from '@/app/api/users/route';
import type { UsersTable } from '@/lib/contracts/dashboard';
import { config } from '@/lib/config';
import { createPrisma } from '@/lib/db/prisma';
import { waitFor } from '@/lib/wait';
import { clearRangeSnapshots, rangeSnapshot, type RangeSnapshot } from '@/web/queries/users/range-snapshots';

const prefix = `rs${process.pid}${Date.now().toString(36)}`;
const db = createPrisma(config().DATABASE_URL, 2);
const DAYS = ['2025-03-01', '2025-03-02', '2025-03-03'];
const RANGE = { from: DAYS[0] as string, to: DAYS[2] as string };
const USERS = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
/** Events of user u on day d. */
const events = (u: number, d: number) => 1 + u * 10 + d;

const mine = (s: RangeSnapshot) => new Map(s.rows.filter((r) => r.userId.startsWith(`${prefix}-`)).map((r) => [r.userId, r.eventCount]));
const expectedEvents = (extra: Record<string, number> = {}) =>
  new Map(USERS.map((id, u) => [id, DAYS.reduce((n, _, d) => n + events(u, d), 0) + (extra[id] ?? 0)]));
const addEvents = (userId: string, n: number) =>
  db.$executeRaw`UPDATE user_daily SET event_count = event_count + ${n} WHERE user_id = ${userId} AND day = ${DAYS[1]}::date`;

beforeAll(async () => {
  for (const [u, userId] of USERS.entries()) {
    for (const [d, day] of DAYS.entries()) {
      await db.$executeRaw`
        INSERT INTO user_daily (user_id, day, event_count, time_spent_seconds, clicks, page_views, first_event_at, last_event_at)
        VALUES (${userId}, ${day}::date, ${events(u, d)}, 10, 1, 2, ${day}::timestamptz, ${day}::timestamptz)`;
    }
  }
});

afterAll(async () => {
  await db.$executeRaw`DELETE FROM user_daily WHERE user_id LIKE ${`${prefix}-%`}`;
  await db.$disconnect();
});

describe('the users table of a range, from a snapshot', () => {
  it('reads once for concurrent requests, serves the same snapshot until its TTL, then the previous one while a newer one is read', async () => {
    clearRangeSnapshots();
    const t0 = Date.now();
    const [a, b] = await Promise.all([rangeSnapshot(RANGE, t0), rangeSnapshot(RANGE, t0)]);
    expect(b).toBe(a);
    expect(mine(a)).toEqual(expectedEvents());

    await addEvents(USERS[0] as string, 100);
    expect(await rangeSnapshot(RANGE, t0 + 1000)).toBe(a);
    const ttl = config().USERS_RANGE_SNAPSHOT_TTL_MS;
    // Past its TTL: the previous one, at once, while a new one is read.
    expect(await rangeSnapshot(RANGE, a.readAtMs + ttl)).toBe(a);
    let next: RangeSnapshot = a;
    expect(await waitFor(async () => (next = await rangeSnapshot(RANGE)) !== a, 10_000, 20)).toBe(true);
    expect(mine(next)).toEqual(expectedEvents({ [USERS[0] as string]: 100 }));
    expect(next.readAtMs).toBeGreaterThan(a.readAtMs);
  });

  it('past the grace period after its TTL, waits for a new snapshot instead of serving the old one', async () => {
    clearRangeSnapshots();
    const a = await rangeSnapshot(RANGE);
    await addEvents(USERS[1] as string, 7);
    const late = await rangeSnapshot(RANGE, a.readAtMs + config().USERS_RANGE_SNAPSHOT_TTL_MS + 60_000);
    expect(late).not.toBe(a);
    expect(mine(late).get(USERS[1] as string)).toBe((mine(a).get(USERS[1] as string) ?? 0) + 7);
  });

  it('keeps at most USERS_RANGE_SNAPSHOTS ranges, dropping the least recently used', async () => {
    clearRangeSnapshots();
    const max = config().USERS_RANGE_SNAPSHOTS;
    const ranges = Array.from({ length: max + 1 }, (_, k) => ({ from: DAYS[0] as string, to: `2025-04-${String(k + 1).padStart(2, '0')}` }));
    const first = await rangeSnapshot(ranges[0] as (typeof ranges)[number]);
    const second = await rangeSnapshot(ranges[1] as (typeof ranges)[number]);
    expect(await rangeSnapshot(ranges[0] as (typeof ranges)[number])).toBe(first); // now the most recently used
    for (const r of ranges.slice(2)) await rangeSnapshot(r);
    expect(await rangeSnapshot(ranges[0] as (typeof ranges)[number])).toBe(first);
    expect(await rangeSnapshot(ranges[1] as (typeof ranges)[number])).not.toBe(second); // dropped, read again
  });

  it('GET /api/users over a range, and over a day by events, says when its figures were read; a day by time on site is live', async () => {
    clearRangeSnapshots();
    const range = await (await usersGET(new Request(`http://127.0.0.1/api/users?from=${RANGE.from}&to=${RANGE.to}&q=${prefix}&sort=events&order=desc`))).json() as UsersTable;
    const s = await rangeSnapshot(RANGE);
    expect(range.asOf).toBe(new Date(s.readAtMs).toISOString());
    expect(range.total).toBe(USERS.length);
    expect(range.rows.map((r) => [r.userId, r.eventCount])).toEqual([...mine(s)].sort(([, x], [, y]) => y - x));
    const day = await (await usersGET(new Request(`http://127.0.0.1/api/users?day=${DAYS[0]}&q=${prefix}&sort=events&order=asc`))).json() as UsersTable;
    const d = await rangeSnapshot({ from: DAYS[0] as string, to: DAYS[0] as string });
    expect(day.asOf).toBe(new Date(d.readAtMs).toISOString());
    expect(day.total).toBe(USERS.length);
    expect(day.rows.map((r) => [r.userId, r.eventCount])).toEqual(USERS.map((id, u) => [id, events(u, 0)]));
    const live = await (await usersGET(new Request(`http://127.0.0.1/api/users?day=${DAYS[0]}&q=${prefix}`))).json() as UsersTable;
    expect(live.asOf).toBeNull();
    expect(live.total).toBe(USERS.length);
  });
});
