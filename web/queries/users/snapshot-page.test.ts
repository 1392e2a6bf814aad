import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, type SortOrder } from './users-cursor';
import type { UserRow } from './users-rows';
import { ascendingOrder, snapshotPage, type SnapshotSort } from './snapshot-page';

/** Each sort's key, written here from the definitions (a ratio without a denominator sorts below 0). */
const expectedKey = (sort: SnapshotSort, r: UserRow): number | string =>
  ({
    userId: r.userId,
    timeSpent: r.timeSpentSeconds,
    events: r.eventCount,
    clicks: r.clicks,
    pageViews: r.pageViews,
    sessions: r.sessions,
    visitTime: r.visitTimeSeconds,
    clicksPerPageView: r.clicksPerPageView === null ? -1 : r.clicksPerPageView,
    ctr: r.ctr === null ? -1 : r.ctr,
    bounceRate: r.bounceRate === null ? -1 : r.bounceRate,
  })[sort];

/** The whole table in its order: by key, then userId (code units), both reversed for desc. */
function reference(rows: UserRow[], sort: SnapshotSort, order: SortOrder, q: string): string[] {
  const sorted = rows
    .filter((r) => r.userId.startsWith(q))
    .sort((a, b) => {
      const ka = expectedKey(sort, a);
      const kb = expectedKey(sort, b);
      if (ka !== kb) return ka < kb ? -1 : 1;
      return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
    });
  return (order === 'asc' ? sorted : sorted.reverse()).map((r) => r.userId);
}

const SORTS: SnapshotSort[] = ['userId', 'timeSpent', 'events', 'clicks', 'pageViews', 'sessions', 'visitTime', 'clicksPerPageView', 'ctr', 'bounceRate'];

const small = fc.integer({ min: 0, max: 4 }); // few values: many ties
const ratio = fc.option(fc.constantFrom(0, 0.25, 0.5, 1), { nil: null });
const rowArb = fc.record({
  userId: fc.stringMatching(/^[a-cA-C0-9._-]{1,4}$/),
  eventCount: small,
  timeSpentSeconds: small,
  clicks: small,
  pageViews: small,
  clicksPerPageView: ratio,
  sessions: small,
  visitTimeSeconds: fc.constantFrom(0, 0.5, 1.25, 3),
  bounceRate: ratio,
  ctr: ratio,
});
const rowsArb = fc.uniqueArray(rowArb, { selector: (r) => r.userId, maxLength: 60 });

describe('a users-table page from a range snapshot', () => {
  it('pages forwards through exactly the filtered table in order, and each page\'s previous cursor gives the page before', () => {
    fc.assert(
      fc.property(rowsArb, fc.constantFrom(...SORTS), fc.constantFrom<SortOrder>('asc', 'desc'), fc.integer({ min: 1, max: 7 }), fc.constantFrom('', 'a', 'B', '1'), (rows, sort, order, limit, q) => {
        const ascending = ascendingOrder(rows, sort);
        const keep = (r: UserRow) => r.userId.startsWith(q);
        const pages: string[][] = [];
        const prevCursors: (string | null)[] = [];
        let cursor: string | null = null;
        for (let n = 0; n <= rows.length + 1; n++) {
          const p = snapshotPage(rows, ascending, { sort, order, limit, cursor: cursor === null ? undefined : decodeCursor(cursor) }, keep);
          pages.push(p.rows.map((r) => r.userId));
          prevCursors.push(p.prevCursor);
          expect(p.restart).toBe(false);
          if (p.nextCursor === null) break;
          cursor = p.nextCursor;
        }
        expect(pages.flat()).toEqual(reference(rows, sort, order, q));
        expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
        expect(prevCursors[0]).toBeNull();
        for (let k = 1; k < pages.length; k++) {
          const back = snapshotPage(rows, ascending, { sort, order, limit, cursor: decodeCursor(prevCursors[k] as string) }, keep);
          expect(back.rows.map((r) => r.userId)).toEqual(pages[k - 1]);
          expect(back.prevCursor === null).toBe(k === 1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
