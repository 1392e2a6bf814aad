import { describe, expect, it } from 'vitest';
import { mergeLiveSessions } from './live-sessions';
import type { UserSessionRow } from '@/lib/contracts/dashboard';

const MIN = 60_000;
const base = Date.parse('2026-12-02T10:00:00.000Z');

function row(startMs: number, eventCount = 1, final = true): UserSessionRow {
  return {
    userId: 'u1', start: new Date(startMs).toISOString(), startMs, end: new Date(startMs).toISOString(), day: new Date(startMs).toISOString().slice(0, 10),
    durationSeconds: 0, eventCount, pageViews: 0, clickedPageViews: 0, ctr: null, bounce: eventCount === 1, funnelStep: 0, converted: false, final,
  };
}

const range = { from: '2026-11-26', to: '2026-12-02' };
const starts = (rows: UserSessionRow[]) => rows.map((r) => (r.startMs - base) / MIN);

describe('mergeLiveSessions', () => {
  it('adds new sessions on top and updates a growing one in place', () => {
    const list = [row(base + 60 * MIN, 2, false), row(base)];
    const merged = mergeLiveSessions(list, [row(base + 120 * MIN, 1, false), row(base + 60 * MIN, 5, false)], range);
    expect(starts(merged)).toEqual([120, 60, 0]);
    expect(merged[1]?.eventCount).toBe(5);
  });

  it('drops a listed session the snapshot no longer has (merged into a neighbour), keeps older ones', () => {
    const list = [row(base + 90 * MIN, 1, false), row(base + 50 * MIN, 3, false), row(base)];
    // The session at +50 absorbed the one at +90.
    const merged = mergeLiveSessions(list, [row(base + 50 * MIN, 5, false)], range);
    expect(starts(merged)).toEqual([50, 0]);
    expect(merged[0]?.eventCount).toBe(5);
  });

  it('leaves the list alone without live sessions, and ignores live sessions outside the range', () => {
    const list = [row(base)];
    expect(mergeLiveSessions(list, [], range)).toEqual(list);
    const outside = mergeLiveSessions(list, [row(Date.parse('2026-12-03T01:00:00Z'))], range);
    expect(starts(outside)).toEqual([0]);
  });
});
