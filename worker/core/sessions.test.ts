import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLate } from './lateness';
import {
  addToSessions,
  createSessionState,
  DEFAULT_SESSION_GAP_MS,
  frozenBeforeMs,
  isSessionClosed,
  openSessionRows,
  replacedRows,
  sessionStateFromJson,
  sessionStateToJson,
  type SessionEvent,
  type SessionRow,
  type SessionSettings,
  type SessionState,
} from './sessions';
import { advanceWatermark } from './watermark';
import { sessionStatsChanges } from './session-stats-changes';
import { sessionEndMinuteChanges } from './session-end-minutes';
import { sessionStats, type SessionStatsAcc } from '@/lib/metrics/session-stats';

/** Small numbers so that random streams merge, freeze and close sessions often. */
const S: SessionSettings & { outOfOrdernessMs: number } = { windowSizeMs: 10_000, allowedLatenessMs: 120_000, outOfOrdernessMs: 5_000, sessionGapMs: 60_000 };
const T0 = Date.parse('2023-09-25T23:55:00Z'); // streams cross midnight
const TYPES = ['pageView', 'click', 'search', 'addToCart', 'removeFromCart', 'purchase', 'login'];

// ---------------------------------------------------------------------------------------------
// The reference: the definitions of issue 11 computed directly from all the counted events, with
// none of the code under test.

interface RefRow {
  userId: string;
  startMs: number;
  endMs: number;
  day: string;
  durationSeconds: number;
  eventCount: number;
  pageViews: number;
  clickedPageViews: number;
  bounce: boolean;
  funnelStep: number;
  converted: boolean;
  minSeq: number;
  maxSeq: number;
}

function reference(events: readonly SessionEvent[], gap: number): RefRow[] {
  const rows: RefRow[] = [];
  const users = [...new Set(events.map((e) => e.userId))];
  for (const userId of users) {
    const mine = events.filter((e) => e.userId === userId).sort((a, b) => a.eventTimeMs - b.eventTimeMs || a.seq - b.seq);
    const runs: SessionEvent[][] = [];
    for (const e of mine) {
      const run = runs[runs.length - 1];
      const prev = run?.[run.length - 1];
      if (run && prev && e.eventTimeMs - prev.eventTimeMs < gap) run.push(e);
      else runs.push([e]);
    }
    for (const run of runs) {
      const types = run.map((e) => e.eventType);
      const first = run[0] as SessionEvent;
      const last = run[run.length - 1] as SessionEvent;
      // A page view is clicked when a click comes after it before the next page view.
      let clicked = 0;
      types.forEach((t, i) => {
        if (t !== 'pageView') return;
        for (let j = i + 1; j < types.length && types[j] !== 'pageView'; j++) {
          if (types[j] === 'click') {
            clicked += 1;
            return;
          }
        }
      });
      const idx = (t: string) => types.flatMap((x, i) => (x === t ? [i] : []));
      const pv = idx('pageView');
      const atc = idx('addToCart');
      const buy = idx('purchase');
      const step2 = atc.some((a) => pv.some((p) => p < a));
      const step3 = buy.some((b) => atc.some((a) => a < b && pv.some((p) => p < a)));
      rows.push({
        userId,
        startMs: first.eventTimeMs,
        endMs: last.eventTimeMs,
        day: new Date(first.eventTimeMs).toISOString().slice(0, 10),
        durationSeconds: (last.eventTimeMs - first.eventTimeMs) / 1000,
        eventCount: run.length,
        pageViews: pv.length,
        clickedPageViews: clicked,
        bounce: run.length === 1,
        funnelStep: step3 ? 3 : step2 ? 2 : pv.length > 0 ? 1 : 0,
        converted: buy.length > 0,
        // The offset range that holds the session's events (not the seq of its first and last event by time).
        minSeq: Math.min(...run.map((e) => e.seq)),
        maxSeq: Math.max(...run.map((e) => e.seq)),
      });
    }
  }
  return sortRows(rows);
}

const keyOf = (r: { userId: string; startMs: number }) => `${r.userId}\n${r.startMs}`;
const sortRows = <T extends { userId: string; startMs: number }>(rows: T[]) => [...rows].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.startMs - b.startMs));

// ---------------------------------------------------------------------------------------------
// A shell in miniature: lateness per event against the watermark as it stands (the existing rule),
// one addToSessions call per batch, and a table kept by upserting `changed` and deleting `removed`.

function split<T>(xs: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (xs.length + 1)))].sort((a, b) => a - b);
  const chunks: T[][] = [];
  let from = 0;
  for (const p of [...points, xs.length]) {
    chunks.push(xs.slice(from, p));
    from = p;
  }
  return chunks;
}

interface RunOptions {
  /** Store and reload the state (JSON) before every batch. */
  roundTrip?: boolean;
  /** Compare the table with the reference after every batch. */
  checkEachBatch?: boolean;
  settings?: SessionSettings & { outOfOrdernessMs: number };
}

type Seen = ReturnType<typeof run>['seen'];
const addSeen = (a: Seen, b: Seen) => ({ merges: a.merges + b.merges, frozenWithTail: a.frozenWithTail + b.frozenWithTail, closes: a.closes + b.closes, late: a.late + b.late });
const noneSeen: Seen = { merges: 0, frozenWithTail: 0, closes: 0, late: 0 };

function run(arrivals: SessionEvent[], cuts: number[], opts: RunOptions = {}) {
  const s = opts.settings ?? S;
  let state: SessionState = createSessionState();
  let watermark: number | null = null;
  const table = new Map<string, SessionRow>();
  const counted: SessionEvent[] = [];
  const closed = new Set<string>();
  /** Each user-day's session figures, kept only by adding each call's sessionStatsChanges. */
  const figures = new Map<string, SessionStatsAcc>();
  /** Sessions ending per minute, kept only by adding each call's sessionEndMinuteChanges. */
  const ends = new Map<number, number>();
  /** What the run exercised, so that a property can check its generator reaches the cases. */
  const seen = { merges: 0, frozenWithTail: 0, closes: 0, late: 0 };
  for (const chunk of split(arrivals, cuts)) {
    const batch: SessionEvent[] = [];
    for (const e of chunk) {
      if (!isLate(e.eventTimeMs, watermark, s)) batch.push(e);
      watermark = advanceWatermark(watermark, e.eventTimeMs, s);
    }
    if (opts.roundTrip) state = sessionStateFromJson(JSON.parse(JSON.stringify(sessionStateToJson(state))), s);
    const before = JSON.stringify(sessionStateToJson(state));
    const u = addToSessions(state, batch, watermark, s);
    seen.late += chunk.length - batch.length;
    seen.merges += u.removed.length;
    seen.closes += u.closed.length;
    if ([...u.state.users.values()].some((xs) => xs.some((x) => x.prefix !== null && x.tail.length > 0))) seen.frozenWithTail += 1;
    expect(JSON.stringify(sessionStateToJson(state))).toBe(before); // the input state is left unchanged
    const replaced = replacedRows(state, u);
    for (const c of sessionStatsChanges(replaced, u.changed)) figures.set(`${c.userId}\n${c.day}`, sessionStats.merge(figures.get(`${c.userId}\n${c.day}`) ?? sessionStats.create(), c.change));
    for (const c of sessionEndMinuteChanges(replaced, u.changed)) ends.set(c.minuteMs, (ends.get(c.minuteMs) ?? 0) + c.sessions);
    for (const k of u.removed) {
      expect(closed.has(keyOf(k))).toBe(false);
      table.delete(keyOf(k));
    }
    for (const r of u.changed) {
      expect(closed.has(keyOf(r))).toBe(false);
      table.set(keyOf(r), r);
    }
    for (const k of u.closed) {
      expect(table.has(keyOf(k))).toBe(true);
      closed.add(keyOf(k));
    }
    // `users` lists every user whose stored state changed (the shell rewrites just those rows).
    const prev = new Map(state.users);
    for (const [userId, sessions] of u.state.users) if (prev.get(userId) !== sessions) expect(u.users.map((x) => x.userId)).toContain(userId);
    for (const userId of prev.keys()) if (!u.state.users.has(userId)) expect(u.users.find((x) => x.userId === userId)?.sessions).toEqual([]);
    state = u.state;
    counted.push(...batch);
    sessionStateFromJson(sessionStateToJson(state), s); // the state's invariants hold
    // Open sessions are exactly the table's rows that are not closed.
    expect(openSessionRows(state)).toEqual(sortRows([...table.values()].filter((r) => !closed.has(keyOf(r)))));
    if (opts.checkEachBatch) expect(sortRows([...table.values()])).toEqual(reference(counted, s.sessionGapMs));
    // The figures kept by adding changes are those of the table's rows, per user and day.
    expect(nonZero(figures)).toEqual(figuresOf(table.values()));
    // The sessions ending per minute kept by adding changes are those of the table's rows.
    expect(new Map([...ends].filter(([, n]) => n !== 0).sort(([a], [b]) => a - b))).toEqual(endsPerMinuteOf(table.values()));
  }
  return { state, table: sortRows([...table.values()]), counted, watermark, closed, seen };
}

/** sessionStats' accumulator of rows, per user and day. */
function figuresOf(rows: Iterable<SessionRow>): Map<string, SessionStatsAcc> {
  const out = new Map<string, SessionStatsAcc>();
  for (const r of rows) {
    const key = `${r.userId}\n${r.day}`;
    const acc = out.get(key) ?? sessionStats.create();
    sessionStats.add(acc, r);
    out.set(key, acc);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** How many rows end in each minute (UTC), in minute order. */
function endsPerMinuteOf(rows: Iterable<SessionRow>): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of rows) {
    const minute = r.endMs - (r.endMs % 60_000);
    out.set(minute, (out.get(minute) ?? 0) + 1);
  }
  return new Map([...out].sort(([a], [b]) => a - b));
}

/** The user-days whose figures are not all zero (a day whose sessions all merged away has none), in key order. */
function nonZero(figures: Map<string, SessionStatsAcc>): Map<string, SessionStatsAcc> {
  const zero = JSON.stringify(sessionStats.create());
  return new Map([...figures].filter(([, f]) => JSON.stringify(f) !== zero).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const eventsArb = (maxLength: number, spanS = 900) =>
  fc
    .array(
      fc.record({
        userId: fc.constantFrom('u1', 'u2', 'u3'),
        eventType: fc.constantFrom(...TYPES),
        // Whole seconds: ties in event time are common.
        eventTimeMs: fc.integer({ min: 0, max: spanS }).map((x) => T0 + x * 1000),
      }),
      { maxLength, size: 'max' },
    )
    .map((es) => es.map((e, seq): SessionEvent => ({ ...e, seq })));

/** Each event arrives at its event time plus its delay; ties by seq. */
function arrive(events: SessionEvent[], delays: number[]): SessionEvent[] {
  return events
    .map((e, i) => ({ e, at: e.eventTimeMs + (delays[i % Math.max(1, delays.length)] ?? 0) }))
    .sort((a, b) => a.at - b.at || a.e.seq - b.e.seq)
    .map((x) => x.e);
}

/** Delays up to out-of-orderness + allowed lateness never make an event late. */
const withinBound = fc.array(fc.integer({ min: 0, max: S.outOfOrdernessMs + S.allowedLatenessMs }), { minLength: 1, maxLength: 50, size: 'max' });

// Hundreds of random runs each, checked against the reference after every batch: CPU-bound, and
// several seconds each on a busy 2-core machine, so the limit is not the default 5 s.
describe('session windows: properties', { timeout: 60_000 }, () => {
  it('the cut is the lateness rule read backwards: isLate(t, w) exactly when t < frozenBeforeMs(w)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: -1e12, max: 1e12 }), (t, w) => {
        expect(isLate(t, w, S)).toBe(t < frozenBeforeMs(w, S));
      }),
      { numRuns: 2000 },
    );
    expect(isLate(0, null, S)).toBe(false);
    expect(frozenBeforeMs(null, S)).toBe(-Infinity);
  });

  it('any split into batches and any reordering within the allowed lateness give the reference sessions', () => {
    let seen = noneSeen;
    fc.assert(
      fc.property(eventsArb(150), withinBound, fc.array(fc.nat(), { maxLength: 12 }), (events, delays, cuts) => {
        const r = run(arrive(events, delays), cuts);
        seen = addSeen(seen, r.seen);
        expect(r.counted).toHaveLength(events.length); // nothing was late
        expect(r.table).toEqual(reference(events, S.sessionGapMs));
        // The same as in event-time order, in one batch.
        const inOrder = run(arrive(events, [0]), []);
        expect(r.table).toEqual(inOrder.table);
        expect(sessionStateToJson(r.state)).toEqual(sessionStateToJson(inOrder.state));
      }),
      { numRuns: 250 },
    );
    // The generator reaches the cases that matter (merges, frozen prefixes, closing).
    expect(seen.late).toBe(0);
    expect(Math.min(seen.merges, seen.frozenWithTail, seen.closes)).toBeGreaterThan(0);
  });

  it('with late events too, after every batch the table is the reference of the events counted so far', () => {
    const anyDelay = fc.array(fc.integer({ min: 0, max: 600_000 }), { minLength: 1, maxLength: 50, size: 'max' });
    let seen = noneSeen;
    fc.assert(
      fc.property(eventsArb(120, 1800), anyDelay, fc.array(fc.nat(), { maxLength: 12 }), (events, delays, cuts) => {
        const r = run(arrive(events, delays), cuts, { checkEachBatch: true });
        seen = addSeen(seen, r.seen);
        expect(r.table).toEqual(reference(r.counted, S.sessionGapMs));
      }),
      { numRuns: 200 },
    );
    expect(Math.min(seen.merges, seen.frozenWithTail, seen.closes, seen.late)).toBeGreaterThan(0);
  });

  it('a JSON round trip of the state before every batch changes nothing', () => {
    const anyDelay = fc.array(fc.integer({ min: 0, max: 300_000 }), { minLength: 1, maxLength: 50, size: 'max' });
    fc.assert(
      fc.property(eventsArb(120, 1800), anyDelay, fc.array(fc.nat(), { maxLength: 12 }), (events, delays, cuts) => {
        const arrivals = arrive(events, delays);
        const plain = run(arrivals, cuts);
        const stored = run(arrivals, cuts, { roundTrip: true });
        expect(stored.table).toEqual(plain.table);
        expect(sessionStateToJson(stored.state)).toEqual(sessionStateToJson(plain.state));
        expect([...stored.closed].sort()).toEqual([...plain.closed].sort());
      }),
      { numRuns: 150 },
    );
  });

  it('works with the default settings (30-minute gap, 1-minute windows, 10 minutes of lateness)', () => {
    const d = { windowSizeMs: 60_000, allowedLatenessMs: 600_000, outOfOrdernessMs: 5_000, sessionGapMs: DEFAULT_SESSION_GAP_MS };
    const events = fc.array(
      fc.record({ userId: fc.constantFrom('a', 'b'), eventType: fc.constantFrom(...TYPES), eventTimeMs: fc.integer({ min: 0, max: 6 * 3600 }).map((x) => T0 + x * 1000) }),
      { maxLength: 150, size: 'max' },
    );
    fc.assert(
      fc.property(events, fc.array(fc.integer({ min: 0, max: 605_000 }), { minLength: 1, maxLength: 30, size: 'max' }), fc.array(fc.nat(), { maxLength: 8 }), (es, delays, cuts) => {
        const withSeq = es.map((e, seq) => ({ ...e, seq }));
        const r = run(arrive(withSeq, delays), cuts, { settings: d });
        expect(r.counted).toHaveLength(withSeq.length);
        expect(r.table).toEqual(reference(withSeq, d.sessionGapMs));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the state bounded for a user who never stops (one endless session) and drops users who leave', () => {
    const maxSessions = 1 + Math.ceil((S.allowedLatenessMs + S.windowSizeMs + S.outOfOrdernessMs) / S.sessionGapMs);
    const minSpacingMs = 1000;
    const maxTail = (S.allowedLatenessMs + S.windowSizeMs + S.outOfOrdernessMs) / minSpacingMs + 1;
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 1, max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: 50, max: 200 }) }), { minLength: 3000, maxLength: 3000 }),
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 60 }),
        (spacingS, delays, batchSize) => {
          let t = T0;
          const events: SessionEvent[] = spacingS.map((dt, seq) => ({ userId: 'long', eventType: TYPES[seq % TYPES.length] as string, eventTimeMs: (t += dt * 1000), seq }));
          const arrivals = arrive(events, delays);
          let state = createSessionState();
          let watermark: number | null = null;
          let maxSeen = -Infinity;
          let biggest = 0;
          for (let i = 0; i < arrivals.length; i += batchSize) {
            const batch: SessionEvent[] = [];
            for (const e of arrivals.slice(i, i + batchSize)) {
              if (!isLate(e.eventTimeMs, watermark, S)) batch.push(e);
              watermark = advanceWatermark(watermark, e.eventTimeMs, S);
              maxSeen = Math.max(maxSeen, e.eventTimeMs);
            }
            state = addToSessions(state, batch, watermark, S).state;
            const cut = frozenBeforeMs(watermark, S);
            const sessions = state.users.get('long') ?? [];
            expect(sessions.length).toBeLessThanOrEqual(maxSessions);
            for (const x of sessions) {
              expect(x.tail.every(([time]) => time >= cut && time <= maxSeen)).toBe(true);
              expect(x.tail.length).toBeLessThanOrEqual(maxTail);
            }
            biggest = Math.max(biggest, JSON.stringify(sessionStateToJson(state)).length);
          }
          // Some 3,000 events, spanning hours in one or a few sessions; the state stays a few KB.
          expect(biggest).toBeLessThan(400 + maxSessions * (300 + maxTail * 30));
          // An event of another user far later closes and drops everything of 'long'.
          const later = (watermark as number) + 10 * S.sessionGapMs + S.allowedLatenessMs;
          const u = addToSessions(state, [{ userId: 'other', eventType: 'click', eventTimeMs: later, seq: 1e9 }], later - S.outOfOrdernessMs, S);
          expect(u.state.users.has('long')).toBe(false);
          expect(u.users).toContainEqual({ userId: 'long', sessions: [] });
          expect(u.closed.map((k) => k.userId)).toContain('long');
        },
      ),
      { numRuns: 20 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

const at = (iso: string) => Date.parse(iso);
let nextSeq = 0;
const ev = (iso: string, eventType = 'pageView', userId = 'u'): SessionEvent => ({ userId, eventType, eventTimeMs: at(iso), seq: nextSeq++ });
const D = { windowSizeMs: 60_000, allowedLatenessMs: 600_000, sessionGapMs: DEFAULT_SESSION_GAP_MS };
/** All events in one batch, with the watermark as the shell would have it (5 s out of orderness). */
const once = (events: SessionEvent[], s = D) => addToSessions(createSessionState(), events, Math.max(...events.map((e) => e.eventTimeMs)) - 5_000, s);
const metrics = (events: SessionEvent[]) => once(events).changed;

describe('session windows: edge cases', () => {
  it('a gap of exactly the session gap splits; 1 ms less joins', () => {
    expect(metrics([ev('2023-09-25T10:00:00Z'), ev('2023-09-25T10:30:00Z')]).map((r) => r.startMs)).toEqual([at('2023-09-25T10:00:00Z'), at('2023-09-25T10:30:00Z')]);
    const joined = metrics([ev('2023-09-25T10:00:00Z'), ev('2023-09-25T10:29:59.999Z')]);
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({ eventCount: 2, durationSeconds: 1799.999, bounce: false });
  });

  it('a late but allowed event that bridges two sessions merges them, and the later key is removed', () => {
    // 10:00 and 10:35 are 35 minutes apart: two sessions. Watermark 10:34:55, so the cut is
    // windowStart(10:24:55) = 10:24 and an event at 10:25, ten minutes late, still counts.
    const a = once([ev('2023-09-25T10:00:00Z'), ev('2023-09-25T10:35:00Z', 'click')]);
    expect(a.changed.map((r) => r.startMs)).toEqual([at('2023-09-25T10:00:00Z'), at('2023-09-25T10:35:00Z')]);
    const b = addToSessions(a.state, [ev('2023-09-25T10:25:00Z', 'search')], a.state.watermarkMs, D);
    expect(b.removed).toEqual([{ userId: 'u', startMs: at('2023-09-25T10:35:00Z') }]);
    expect(b.changed).toEqual([expect.objectContaining({ startMs: at('2023-09-25T10:00:00Z'), endMs: at('2023-09-25T10:35:00Z'), durationSeconds: 2100, eventCount: 3, pageViews: 1, clickedPageViews: 1 })]);
    expect(openSessionRows(b.state)).toEqual(b.changed);
  });

  it('an event before a session moves its start: the old key is removed', () => {
    const a = once([ev('2023-09-25T10:10:00Z'), ev('2023-09-25T10:15:00Z')]);
    const b = addToSessions(a.state, [ev('2023-09-25T10:05:00Z', 'click')], a.state.watermarkMs, D);
    expect(b.removed).toEqual([{ userId: 'u', startMs: at('2023-09-25T10:10:00Z') }]);
    expect(b.changed).toEqual([expect.objectContaining({ startMs: at('2023-09-25T10:05:00Z'), eventCount: 3, clickedPageViews: 0 })]);
  });

  it('a session of one event is a bounce with duration 0', () => {
    expect(metrics([ev('2023-09-25T10:00:00Z', 'search')])).toEqual([
      { userId: 'u', startMs: at('2023-09-25T10:00:00Z'), endMs: at('2023-09-25T10:00:00Z'), day: '2023-09-25', durationSeconds: 0, eventCount: 1, pageViews: 0, clickedPageViews: 0, bounce: true, funnelStep: 0, converted: false, minSeq: nextSeq - 1, maxSeq: nextSeq - 1 },
    ]);
  });

  it('CTR: clicks before the first page view count for nothing; many clicks count a page view once', () => {
    const r = metrics([ev('2023-09-25T10:00:00Z', 'click'), ev('2023-09-25T10:01:00Z', 'click'), ev('2023-09-25T10:02:00Z'), ev('2023-09-25T10:03:00Z', 'click'), ev('2023-09-25T10:04:00Z', 'click'), ev('2023-09-25T10:05:00Z'), ev('2023-09-25T10:06:00Z')]);
    expect(r).toEqual([expect.objectContaining({ pageViews: 3, clickedPageViews: 1 })]);
    expect(metrics([ev('2023-09-25T10:00:00Z', 'click')])[0]).toMatchObject({ pageViews: 0, clickedPageViews: 0 });
  });

  it('funnel: a purchase before the add-to-cart does not complete it, but converts', () => {
    expect(metrics([ev('2023-09-25T10:00:00Z'), ev('2023-09-25T10:01:00Z', 'purchase'), ev('2023-09-25T10:02:00Z', 'addToCart')])[0]).toMatchObject({ funnelStep: 2, converted: true });
    expect(metrics([ev('2023-09-25T10:00:00Z', 'addToCart'), ev('2023-09-25T10:01:00Z'), ev('2023-09-25T10:02:00Z', 'purchase')])[0]).toMatchObject({ funnelStep: 1, converted: true });
    expect(metrics([ev('2023-09-25T10:00:00Z'), ev('2023-09-25T10:01:00Z', 'addToCart'), ev('2023-09-25T10:02:00Z', 'purchase')])[0]).toMatchObject({ funnelStep: 3, converted: true });
    expect(metrics([ev('2023-09-25T10:00:00Z', 'search')])[0]).toMatchObject({ funnelStep: 0, converted: false });
  });

  it('ties in event time are settled by seq, whatever the arrival order', () => {
    const t = '2023-09-25T10:00:00Z';
    const click = { userId: 'u', eventType: 'click', eventTimeMs: at(t), seq: 10 };
    const view = { userId: 'u', eventType: 'pageView', eventTimeMs: at(t), seq: 11 };
    expect(once([view, click]).changed[0]).toMatchObject({ pageViews: 1, clickedPageViews: 0 });
    expect(once([click, view]).changed[0]).toMatchObject({ pageViews: 1, clickedPageViews: 0 });
    expect(once([{ ...view, seq: 9 }, click]).changed[0]).toMatchObject({ clickedPageViews: 1 });
  });

  it('a session belongs to the UTC day of its first event', () => {
    expect(metrics([ev('2023-09-25T23:50:00Z'), ev('2023-09-26T00:10:00Z')])).toEqual([expect.objectContaining({ day: '2023-09-25', durationSeconds: 1200 })]);
  });

  it('freezes old events into the prefix and closes a session once end + gap reaches the cut', () => {
    const first = ev('2023-09-25T10:00:00Z');
    const a = once([first, ev('2023-09-25T10:05:00Z', 'click')]);
    expect(a.state.users.get('u')?.[0]?.prefix).toBeNull();
    // Cut = windowStart(10:20 − 10 min) = 10:10: both events are frozen, the session is open.
    const b = addToSessions(a.state, [], at('2023-09-25T10:20:00Z'), D);
    expect(b.state.users.get('u')).toEqual([
      {
        prefix: { firstMs: at('2023-09-25T10:00:00Z'), lastMs: at('2023-09-25T10:05:00Z'), eventCount: 2, pageViews: 1, clickedPageViews: 1, pageViewAwaitingClick: false, funnelStep: 1, purchases: 0, minSeq: first.seq, maxSeq: first.seq + 1 },
        tail: [],
      },
    ]);
    expect(b.changed).toEqual([]);
    expect(b.users.map((x) => x.userId)).toEqual(['u']);
    // End 10:05 + 30 min = 10:35: closed when the cut reaches 10:35, i.e. watermark 10:45.
    expect(isSessionClosed(at('2023-09-25T10:05:00Z'), at('2023-09-25T10:44:59Z'), D)).toBe(false);
    expect(addToSessions(b.state, [], at('2023-09-25T10:44:59Z'), D).closed).toEqual([]);
    const c = addToSessions(b.state, [], at('2023-09-25T10:45:00Z'), D);
    expect(isSessionClosed(at('2023-09-25T10:05:00Z'), at('2023-09-25T10:45:00Z'), D)).toBe(true);
    expect(c.closed).toEqual([{ userId: 'u', startMs: at('2023-09-25T10:00:00Z') }]);
    expect(c.state.users.size).toBe(0);
    expect(c.users).toEqual([{ userId: 'u', sessions: [] }]);
  });

  it('keeps the lowest and highest seq (Kafka offset) through frozen prefixes, merges and arrival out of order', () => {
    const e = (iso: string, seq: number): SessionEvent => ({ userId: 'o', eventType: 'pageView', eventTimeMs: at(iso), seq });
    // Offsets 100 and 101 at 10:00 and 10:05; frozen by a watermark of 10:20 (cut 10:10).
    const a = addToSessions(once([e('2023-09-25T10:00:00Z', 100), e('2023-09-25T10:05:00Z', 101)]).state, [], at('2023-09-25T10:20:00Z'), D);
    expect(a.state.users.get('o')?.[0]?.prefix).toMatchObject({ minSeq: 100, maxSeq: 101 });
    // Offsets need not follow event time: 150 at 10:12, 140 at 10:11 and 90 at 10:13 extend the
    // frozen session; the range holds the lowest and the highest, wherever they are in time.
    const b = addToSessions(a.state, [e('2023-09-25T10:12:00Z', 150), e('2023-09-25T10:11:00Z', 140), e('2023-09-25T10:13:00Z', 90)], at('2023-09-25T10:20:00Z'), D);
    expect(b.changed).toEqual([expect.objectContaining({ startMs: at('2023-09-25T10:00:00Z'), eventCount: 5, minSeq: 90, maxSeq: 150 })]);
    // Two sessions bridged by a later offset: the merged session spans both ranges and the bridge.
    const c = once([e('2023-09-25T11:00:00Z', 10), e('2023-09-25T11:35:00Z', 11)]);
    expect(c.changed.map((r) => [r.minSeq, r.maxSeq])).toEqual([
      [10, 10],
      [11, 11],
    ]);
    const d = addToSessions(c.state, [e('2023-09-25T11:25:00Z', 12)], c.state.watermarkMs, D);
    expect(d.changed).toEqual([expect.objectContaining({ eventCount: 3, minSeq: 10, maxSeq: 12 })]);
    // A stored prefix whose seq range is missing or inverted is refused.
    const json = JSON.parse(JSON.stringify(sessionStateToJson(a.state))) as { users: { sessions: { prefix: Record<string, unknown> }[] }[] };
    const prefix = json.users[0]?.sessions[0]?.prefix as Record<string, unknown>;
    delete prefix.maxSeq;
    expect(() => sessionStateFromJson(json, D)).toThrow(/maxSeq/);
    prefix.maxSeq = 1;
    expect(() => sessionStateFromJson(json, D)).toThrow(/inconsistent/);
  });

  it('extends a frozen session with a later event, folding onto the prefix', () => {
    const a = addToSessions(once([ev('2023-09-25T10:00:00Z'), ev('2023-09-25T10:05:00Z')]).state, [], at('2023-09-25T10:20:00Z'), D);
    const b = addToSessions(a.state, [ev('2023-09-25T10:30:00Z', 'click')], at('2023-09-25T10:25:00Z'), D);
    expect(b.changed).toEqual([expect.objectContaining({ startMs: at('2023-09-25T10:00:00Z'), eventCount: 3, pageViews: 2, clickedPageViews: 1 })]);
    expect(b.removed).toEqual([]);
  });
});

describe('session windows: guards', () => {
  it('refuses a late event (before the cut of the state it is added to)', () => {
    const a = once([ev('2023-09-25T10:30:00Z')]);
    // Watermark 10:29:55, cut = windowStart(10:19:55) = 10:19.
    expect(() => addToSessions(a.state, [ev('2023-09-25T10:18:59.999Z')], a.state.watermarkMs, D)).toThrow(/late/);
    expect(() => addToSessions(a.state, [ev('2023-09-25T10:19:00Z')], a.state.watermarkMs, D)).not.toThrow();
    expect(() => addToSessions(a.state, [{ ...ev('2023-09-25T10:19:00Z'), eventTimeMs: NaN }], a.state.watermarkMs, D)).toThrow(/finite/);
  });

  it('refuses a watermark that goes back', () => {
    const a = once([ev('2023-09-25T10:30:00Z')]);
    expect(() => addToSessions(a.state, [], (a.state.watermarkMs as number) - 1, D)).toThrow(/went back/);
    expect(() => addToSessions(a.state, [], null, D)).toThrow(/went back/);
  });

  it('refuses the same event twice (or a seq that is not unique)', () => {
    const e = ev('2023-09-25T10:30:00Z');
    expect(() => once([e, { ...e, eventType: 'click' }])).toThrow(/same seq/);
    const a = once([e]);
    expect(() => addToSessions(a.state, [e], a.state.watermarkMs, D)).toThrow(/same seq/);
  });

  it('refuses settings that make no sense', () => {
    expect(() => once([ev('2023-09-25T10:30:00Z')], { ...D, sessionGapMs: 0 })).toThrow(/sessionGapMs/);
    expect(() => once([ev('2023-09-25T10:30:00Z')], { ...D, windowSizeMs: 0.5 })).toThrow(/windowSizeMs/);
  });

  it('refuses a stored state that is malformed or was built with other settings', () => {
    // Watermark 10:24:55, cut 10:14. u: one session, 10:00 and 10:05 frozen, 10:25 in the tail.
    // v: two sessions, 09:50 (frozen) and 10:21.
    const a = once([ev('2023-09-25T10:00:00Z'), ev('2023-09-25T10:05:00Z'), ev('2023-09-25T10:25:00Z'), ev('2023-09-25T09:50:00Z', 'click', 'v'), ev('2023-09-25T10:21:00Z', 'click', 'v')]);
    const json = sessionStateToJson(a.state);
    expect(json.users.map((u) => u.sessions.map((x) => [x.prefix?.eventCount ?? 0, x.tail.length]))).toEqual([[[2, 1]], [[1, 0], [0, 1]]]);
    // The same sessions and watermark; whether every user is settled is not stored (the next call looks at all of them).
    const { settledCutMs, ...stored } = a.state;
    expect(settledCutMs).toBe(frozenBeforeMs(a.state.watermarkMs, D));
    expect(sessionStateFromJson(JSON.parse(JSON.stringify(json)), D)).toStrictEqual(stored);
    const mutate = (f: (j: { watermarkMs: unknown; users: { userId: unknown; sessions: { prefix: Record<string, unknown> | null; tail: unknown[] }[] }[] }) => void) => {
      const j = JSON.parse(JSON.stringify(json)) as Parameters<typeof f>[0];
      f(j);
      return () => sessionStateFromJson(j, D);
    };
    expect(mutate(() => undefined)).not.toThrow();
    expect(() => sessionStateFromJson(null, D)).toThrow(/not an object/);
    expect(mutate((j) => (j.watermarkMs = 'x'))).toThrow(/watermarkMs/);
    expect(mutate((j) => j.users.push(j.users[0] as never))).toThrow(/twice/);
    expect(mutate((j) => ((j.users[0]?.sessions[0]?.prefix as Record<string, unknown>).funnelStep = 4))).toThrow(/funnelStep/);
    expect(mutate((j) => ((j.users[0]?.sessions[0]?.prefix as Record<string, unknown>).eventCount = '2'))).toThrow(/eventCount/);
    expect(mutate((j) => j.users[1]?.sessions[1]?.tail.push([at('2023-09-25T10:21:00Z') - 1, 0, 'v']))).toThrow(/order/);
    expect(mutate((j) => j.users[1]?.sessions[1]?.tail.push([at('2023-09-25T10:22:00Z'), 99, 'x']))).toThrow(/\[time, seq, kind\]/);
    expect(mutate((j) => j.users[1]?.sessions[1]?.tail.push([at('2023-09-25T10:51:00Z'), 99, 'v']))).toThrow(/gap/);
    expect(mutate((j) => ((j.users[1] as { sessions: unknown[] }).sessions[1] = { prefix: null, tail: [] }))).toThrow(/no events/);
    expect(mutate((j) => ((j.users[1]?.sessions[1]?.tail[0] as number[])[0] = at('2023-09-25T10:19:00Z')))).toThrow(/previous one/);
    expect(mutate((j) => ((j.users[0]?.sessions[0]?.tail[0] as number[])[0] = at('2023-09-25T10:05:00Z')))).toThrow(/before its prefix ends/);
    // A later watermark than the one the prefix was frozen with is fine; an earlier one, or more lateness, is not.
    expect(mutate((j) => (j.watermarkMs = at('2023-09-25T12:00:00Z')))).not.toThrow();
    expect(mutate((j) => (j.watermarkMs = at('2023-09-25T10:10:00Z')))).toThrow(/cut/);
    expect(() => sessionStateFromJson(json, { ...D, allowedLatenessMs: 3_600_000 })).toThrow(/cut/);
    expect(() => sessionStateFromJson(json, { ...D, sessionGapMs: 60_000 })).toThrow(/gap/);
  });
});
