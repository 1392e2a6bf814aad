/**
 * The simulator's timelines, checked from the produced events alone (no disorder): sessions are
 * computed here by the gap rule (a user's consecutive events less than SESSION_GAP_MS apart), not
 * with the model's or the worker's code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configSchema } from '@/lib/config';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { groupBy } from '@/lib/group-by';
import { createCatalogue } from './catalogue';
import { simulatedClock, type EventClock } from './clock';
import { createPopulation, type Population } from './population';
import { createEventSequence, DEFAULT_SESSION_GAP_MS, type EventSequence } from './sequence';
import { createSessionModel, DWELL_JITTER_MS, MAX_LAG_MS, MEAN_DWELL_SECONDS, MEAN_EVENTS_PER_SESSION, populationNote, sustainableRate, usersNeeded } from './session-model';

const GAP_MS: number = configSchema.shape.SESSION_GAP_MS.parse(undefined);
const START = Date.parse('2023-09-25T14:30:00Z');

interface Emitted {
  event: ClickstreamEvent;
  /** The clock tick that emitted it. */
  tickMs: number;
}

/** Events from a simulated clock (the seeded/count mode). */
function seeded(seed: number, users: number, rate: number, count: number): { out: Emitted[]; seq: EventSequence } {
  let tick = 0;
  const inner = simulatedClock(START, rate);
  const clock: EventClock = { next: () => (tick = inner.next()), setRate: (r) => inner.setRate(r), simulated: true };
  const seq = createEventSequence({ seed, users, clock });
  const out = Array.from({ length: count }, () => ({ event: seq.next().event as ClickstreamEvent, tickMs: tick }));
  return { out, seq };
}

/**
 * Events as the runner makes them on the wall clock: every tickMs it asks for rate × tickMs / 1000
 * events, all at the same `now` (a fake wall clock, so the test does not wait).
 */
function live(seed: number, users: number, phases: { rate: number; seconds: number }[], tickMs = 10): { out: Emitted[]; seq: EventSequence } {
  let now = START;
  const seq = createEventSequence({ seed, users, clock: { next: () => now, setRate: () => {}, simulated: false } });
  const out: Emitted[] = [];
  for (const { rate, seconds } of phases) {
    let tokens = 0;
    for (let t = 0; t < seconds * 1000; t += tickMs) {
      tokens += (rate * tickMs) / 1000;
      for (; tokens >= 1; tokens--) out.push({ event: seq.next().event as ClickstreamEvent, tickMs: now });
      now += tickMs;
    }
  }
  return { out, seq };
}

interface Session {
  userId: string;
  events: ClickstreamEvent[];
}

const ms = (e: ClickstreamEvent) => Date.parse(e.timestamp);

/** Sessions by the gap rule, per user, from the events in emission order. */
function sessionsOf(events: readonly ClickstreamEvent[]): Session[] {
  const byUser = new Map<string, ClickstreamEvent[]>();
  for (const e of events) {
    const list = byUser.get(e.userId) ?? [];
    list.push(e);
    byUser.set(e.userId, list);
  }
  const sessions: Session[] = [];
  for (const [userId, list] of byUser) {
    list.sort((a, b) => ms(a) - ms(b)); // stable: ties keep emission order
    let current: ClickstreamEvent[] = [];
    for (const e of list) {
      const last = current[current.length - 1];
      if (last && ms(e) - ms(last) >= GAP_MS) {
        sessions.push({ userId, events: current });
        current = [];
      }
      current.push(e);
    }
    if (current.length > 0) sessions.push({ userId, events: current });
  }
  return sessions;
}

/** Every invariant of the timeline; returns the first violation, or null. */
function violation(out: readonly Emitted[]): string | null {
  const events = out.map((o) => o.event);
  // Stamps never decrease (no disorder) and are at most MAX_LAG_MS before their tick.
  for (let i = 0; i < out.length; i++) {
    const { event, tickMs } = out[i] as Emitted;
    if (ms(event) > tickMs || ms(event) < tickMs - MAX_LAG_MS) return `event ${i} stamped ${event.timestamp}, tick ${new Date(tickMs).toISOString()}`;
    if (i > 0 && ms(event) < ms((out[i - 1] as Emitted).event)) return `event ${i} goes back in time`;
  }
  const sessions = sessionsOf(events);
  const sessionIds = new Set<string>();
  const byUser = new Map<string, Session[]>();
  for (const s of sessions) {
    // One gap-rule session is one simulated session, and the reverse.
    const ids = new Set(s.events.map((e) => e.sessionId));
    if (ids.size !== 1) return `${s.userId}: a gap-rule session holds simulated sessions ${[...ids].join(', ')}`;
    const id = s.events[0]?.sessionId as string;
    if (sessionIds.has(id)) return `${id} is split by a gap of 30 min or more`;
    sessionIds.add(id);
    // Within a session: the next event comes one dwell (+ jitter) after the previous one.
    for (let i = 1; i < s.events.length; i++) {
      const prev = s.events[i - 1] as ClickstreamEvent;
      const gap = ms(s.events[i] as ClickstreamEvent) - ms(prev);
      const dwell = prev.sessionDuration * 1000;
      if (gap < dwell || gap >= dwell + DWELL_JITTER_MS) return `${s.userId} ${id}: ${gap} ms after an event of ${prev.sessionDuration} s`;
    }
    const list = byUser.get(s.userId) ?? [];
    list.push(s);
    byUser.set(s.userId, list);
  }
  for (const [userId, list] of byUser) {
    // Consecutive sessions are more than the gap apart (gap-rule sessions are at least the gap apart).
    for (let i = 1; i < list.length; i++) {
      const end = (list[i - 1] as Session).events.at(-1) as ClickstreamEvent;
      const start = (list[i] as Session).events[0] as ClickstreamEvent;
      if (ms(start) - ms(end) <= GAP_MS) return `${userId}: sessions ${ms(start) - ms(end)} ms apart`;
    }
  }
  // Per user and UTC day, the reported dwell adds up to at most a day.
  const perDay = new Map<string, number>();
  for (const e of events) {
    const key = `${e.userId} ${e.timestamp.slice(0, 10)}`;
    perDay.set(key, (perDay.get(key) ?? 0) + e.sessionDuration);
  }
  for (const [key, seconds] of perDay) if (seconds > 86_400) return `${key}: ${seconds} s of sessionDuration`;
  return null;
}

function rates(events: readonly ClickstreamEvent[]): { sessions: number; bounce: number; conversion: number; eventsPerSession: number; meanGapSeconds: number } {
  const sessions = sessionsOf(events);
  let gaps = 0;
  let gapSum = 0;
  for (const s of sessions) {
    for (let i = 1; i < s.events.length; i++) {
      gaps++;
      gapSum += ms(s.events[i] as ClickstreamEvent) - ms(s.events[i - 1] as ClickstreamEvent);
    }
  }
  return {
    sessions: sessions.length,
    bounce: sessions.filter((s) => s.events.length === 1).length / sessions.length,
    conversion: sessions.filter((s) => s.events.some((e) => e.eventType === 'purchase')).length / sessions.length,
    eventsPerSession: events.length / sessions.length,
    meanGapSeconds: gapSum / gaps / 1000,
  };
}

// Up to 150,000 generated events per case: seconds alone, more beside the other unit files on a loaded machine.
describe('the timeline', { timeout: 30_000 }, () => {
  it('uses the configured default session gap (30 min)', () => {
    expect(DEFAULT_SESSION_GAP_MS).toBe(GAP_MS);
    expect(GAP_MS).toBe(30 * 60_000);
  });

  it('is physically consistent with plausible rates over 100,000 seeded events of 500 users', () => {
    // 2 events/s is about what 500 users sustain with sessions 30 min apart (~14 simulated hours).
    const { out } = seeded(42, 500, 2, 100_000);
    expect(violation(out)).toBeNull();
    const r = rates(out.map((o) => o.event));
    expect(r.sessions).toBeGreaterThan(5000);
    expect(r.bounce).toBeGreaterThanOrEqual(0.25);
    expect(r.bounce).toBeLessThanOrEqual(0.6);
    expect(r.conversion).toBeGreaterThanOrEqual(0.01);
    expect(r.conversion).toBeLessThanOrEqual(0.06);
    // The averages the population estimate is built on.
    expect(r.eventsPerSession / MEAN_EVENTS_PER_SESSION).toBeGreaterThan(0.8);
    expect(r.eventsPerSession / MEAN_EVENTS_PER_SESSION).toBeLessThan(1.25);
    expect(r.meanGapSeconds / MEAN_DWELL_SECONDS).toBeGreaterThan(0.8);
    expect(r.meanGapSeconds / MEAN_DWELL_SECONDS).toBeLessThan(1.25);
  });

  it('holds for any seed, population and rate, simulated or live (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.boolean(),
        (seed, users, rate, isLive) => {
          const { out } = isLive ? live(seed, users, [{ rate, seconds: Math.max(1, 3000 / rate) }]) : seeded(seed, users, rate, 3000);
          const v = violation(out);
          if (v !== null) throw new Error(v);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('live at 20,000 events/s with 50 users: consistent, and adds users rather than doubling anyone up', () => {
    const { out, seq } = live(7, 50, [{ rate: 20_000, seconds: 5 }]);
    expect(out).toHaveLength(100_000);
    expect(violation(out)).toBeNull();
    const stats = seq.stats();
    // Sessions in flight ≈ rate × mean dwell, once the first dwells end (5 s in: still ramping up).
    expect(stats.activeSessions).toBeGreaterThan(50);
    expect(stats.addedUsers).toBeGreaterThan(1000);
    expect(out.some((o) => Number(o.event.userId.slice(5)) > 50)).toBe(true);
    expect(seq.population.size).toBe(50);
  });

  it('live: lowering the rate ends the sessions it cannot keep up with, and stays consistent', () => {
    const { out, seq } = live(9, 2000, [{ rate: 5000, seconds: 30 }, { rate: 20, seconds: 60 }]);
    expect(violation(out)).toBeNull();
    expect(seq.stats().abandonedSessions).toBeGreaterThan(0);
  });
});

describe('a day of dwells', () => {
  it('adds up to at most 86,400 s per user and UTC day, even for users who dwell for hours', () => {
    // Realistic users stay far below a day. These read 5,000 times slower than anyone (dwells of
    // hours, up to a day) and their sessions never time out (a 3-day gap), so a day's dwells
    // would pass 86,400 s often if the model did not shorten the one that would.
    const catalogue = createCatalogue(3);
    const base = createPopulation(3, 20, catalogue.categories);
    const population: Population = { ...base, user: (i) => ({ ...base.user(i), dwellFactor: 5000 }) };
    const model = createSessionModel({ seed: 3, population, catalogue, sessionGapMs: 3 * 86_400_000 });
    const events: ClickstreamEvent[] = [];
    // An event every 10 s for 4 days.
    for (let now = START; now < START + 4 * 86_400_000; now += 10_000) events.push(model.next(now));

    const byUser = groupBy(events, (e) => e.userId);
    const perDay = groupBy(events, (e) => `${e.userId} ${e.timestamp.slice(0, 10)}`);
    let longDays = 0;
    for (const [key, list] of perDay) {
      const seconds = list.reduce((sum, e) => sum + e.sessionDuration, 0);
      expect(seconds, key).toBeLessThanOrEqual(86_400);
      if (seconds > 80_000) longDays++;
    }
    // The cap was reached: many user-days come close to a whole day of dwell.
    expect(longDays).toBeGreaterThan(10);
    // And the timeline stays consistent: each next event comes one (shortened) dwell later.
    for (const [userId, list] of byUser) {
      for (let i = 1; i < list.length; i++) {
        const prev = list[i - 1] as ClickstreamEvent;
        if (prev.sessionId !== (list[i] as ClickstreamEvent).sessionId) continue;
        const gap = ms(list[i] as ClickstreamEvent) - ms(prev);
        expect(gap >= prev.sessionDuration * 1000 && gap < prev.sessionDuration * 1000 + DWELL_JITTER_MS, `${userId} at ${prev.timestamp}`).toBe(true);
      }
    }
  });
});

describe('the population note', () => {
  it('says when the population is too small for the rate and what happens, and is silent otherwise', () => {
    expect(sustainableRate(500, GAP_MS)).toBeGreaterThan(1);
    expect(sustainableRate(500, GAP_MS)).toBeLessThan(5);
    expect(populationNote(1, 500, GAP_MS)).toBeNull();
    expect(populationNote(sustainableRate(10_000, GAP_MS), 10_000, GAP_MS)).toBeNull();
    const note = populationNote(20_000, 50, GAP_MS) as string;
    expect(note).toMatch(/population too small for the rate: 50 users make about 0\.\d events\/s/);
    expect(note).toContain(`needs about ${usersNeeded(20_000, GAP_MS).toLocaleString('en-US')}`);
    expect(note).toMatch(/adds users as needed/);
    expect(usersNeeded(20_000, GAP_MS)).toBeGreaterThan(4_000_000);
  });
});
