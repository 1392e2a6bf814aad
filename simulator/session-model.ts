/**
 * Sessions moving through the funnel, on a physically consistent timeline.
 *
 * Each event reports its dwell (`sessionDuration`, whole seconds): the time the user then spends on
 * it. The session's next event is due exactly one dwell later, plus a jitter of 0 to 999 ms (the
 * fraction of a second the whole-second dwell leaves out): `next − previous ∈ [d·1000, d·1000 + 999]`.
 * When a session ends (the user leaves, logs out, dwells as long as the session gap, or hits a
 * limit) the user is away for longer than
 * the session gap (SESSION_GAP_MS) counted from the end of their last dwell, so by the gap rule every
 * simulated session is exactly one session. A user has one session at a time, so their dwells never
 * overlap, and a dwell that would take a user's UTC day past 86,400 s is shortened to fit.
 *
 * Pacing. The caller asks for one event per clock tick (`next(now)`). The event is the session event
 * that is due earliest, if it is due by `now`, stamped with its own due time (never with `now`); if
 * none is due, a new session starts at `now`. So the number of sessions in flight settles where
 * they produce events at the caller's rate: rate × mean dwell (Little's law). Stamps never decrease.
 * An event is stamped at most MAX_LAG_MS before its tick: if the caller falls further behind a
 * session (the rate was lowered), that user leaves instead.
 *
 * Population. A new session takes a user who is not in a session and whose last one ended more than
 * the session gap ago: mostly by activity weight, else the one who has been away longest, else one
 * not seen yet. When every user is busy or away (the population is too small for the rate, see
 * populationNote), a user is added after the configured ones (user-00501 for 500 users), as a real
 * site gets more visitors, rather than letting anyone be in two places at once.
 *
 * Pure and deterministic: all randomness comes from the seed, all time from the caller.
 */
import { EVENT_TYPES, type ClickstreamEvent, type EventType } from '@/lib/events/schemas';
import type { Catalogue } from './catalogue';
import { createRandom, deriveSeed, skewedInt, weightedChoice } from './distributions';
import { generators, type SessionState } from './generators';
import type { Population } from './population';

/** The weight of leaving the site without another event, once a session has begun. */
const EXIT_WEIGHT = 0.08;
/** Probability of leaving right after the first event (a bounce), before the funnel is consulted. */
const BOUNCE_PROBABILITY = 0.3;
/** Sessions end by this many events at the latest (bots aside, nobody clicks forever). */
const MAX_SESSION_EVENTS = 200;
const MAX_SESSION_DURATION = 86_400;
const DAY_MS = 86_400_000;
/** The jitter on top of the dwell: next event − previous = dwell·1000 + [0, DWELL_JITTER_MS). */
export const DWELL_JITTER_MS = 1000;
/** An event is stamped at most this long before the clock tick that emits it; later, the user leaves. */
export const MAX_LAG_MS = 30_000;

/**
 * Measured averages of the model (see session-model.test.ts, which checks them): events per session
 * and seconds between a session's consecutive events. They give what one user can sustain.
 */
export const MEAN_EVENTS_PER_SESSION = 8;
export const MEAN_DWELL_SECONDS = 23.5;

/** Events per second a population can produce on average when every user returns as soon as the gap allows. */
export function sustainableRate(users: number, sessionGapMs: number): number {
  const cycleSeconds = MEAN_EVENTS_PER_SESSION * MEAN_DWELL_SECONDS + sessionGapMs / 1000;
  return (users * MEAN_EVENTS_PER_SESSION) / cycleSeconds;
}

/** Users needed for a rate: the inverse of sustainableRate, rounded up. */
export function usersNeeded(rate: number, sessionGapMs: number): number {
  return Math.ceil(rate / sustainableRate(1, sessionGapMs));
}

/** One line saying that the population is too small for the rate and what happens; null if it is not. */
export function populationNote(rate: number, users: number, sessionGapMs: number): string | null {
  const can = sustainableRate(users, sessionGapMs);
  if (rate <= can) return null;
  const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 1 : 0 });
  const gapMin = fmt(sessionGapMs / 60_000);
  return (
    `population too small for the rate: ${fmt(users)} users make about ${fmt(can)} events/s ` +
    `(sessions of ~${fmt(MEAN_EVENTS_PER_SESSION)} events ~${fmt(MEAN_DWELL_SECONDS)} s apart, a user's sessions more than ${gapMin} min apart); ` +
    `${fmt(rate)} events/s needs about ${fmt(usersNeeded(rate, sessionGapMs))}. ` +
    `The simulator adds users as needed (after user ${fmt(users)}), so no user is in two sessions at once ` +
    `or returns within ${gapMin} min; lower the rate or raise the users to keep to ${fmt(users)} users.`
  );
}

export interface SessionModelOptions {
  seed: number;
  population: Population;
  catalogue: Catalogue;
  /** A user's sessions are more than this apart (ms): SESSION_GAP_MS. */
  sessionGapMs: number;
}

export interface SessionModelStats {
  /** Sessions in flight (a next event scheduled). */
  activeSessions: number;
  /** Users added beyond the configured population because it was too small for the rate. */
  addedUsers: number;
  /** Sessions ended because the caller fell more than MAX_LAG_MS behind them. */
  abandonedSessions: number;
}

export interface SessionModel {
  /** The next event; its timestamp is at most `nowMs` and at least `nowMs − MAX_LAG_MS`, never before the previous one's. */
  next(nowMs: number): ClickstreamEvent;
  stats(): SessionModelStats;
}

interface Active {
  s: SessionState;
  /** When the next event is due (epoch ms). */
  due: number;
  /** Its type, drawn when the previous event was made. */
  type: EventType;
}

/** Growable per-user columns (users may be added beyond the configured population). */
class Column<T extends Float64Array | Uint8Array> {
  constructor(public data: T, private readonly make: (n: number) => T) {}
  ensure(index: number): void {
    if (index < this.data.length) return;
    const bigger = this.make(Math.max(index + 1, this.data.length * 2));
    bigger.set(this.data);
    this.data = bigger;
  }
}

export function createSessionModel(options: SessionModelOptions): SessionModel {
  const { population, catalogue, sessionGapMs } = options;
  const random = createRandom(deriveSeed(options.seed, 'sessions'));
  const seedTag = (options.seed >>> 0).toString(36);
  let sessionCount = 0;

  // Per user: in a session now; not before this time may they start another; their UTC day and the
  // seconds of dwell they have reported in it.
  const f64 = (n: number) => new Float64Array(n);
  const inSession = new Column(new Uint8Array(population.size), (n) => new Uint8Array(n));
  const availableAt = new Column(f64(population.size), f64);
  const day = new Column(f64(population.size).fill(-1), (n) => f64(n).fill(-1));
  const daySeconds = new Column(f64(population.size), f64);
  let userCount = population.size;
  let unseenCursor = 0;
  let abandoned = 0;

  // Min-heaps: active sessions by due time (keys in a typed array beside the items, so sifting
  // through tens of thousands of sessions stays in cache); users who have left by when they may return.
  let keys = new Float64Array(1024);
  const active: Active[] = [];
  const away: number[] = [];

  function siftDownActive(i: number): void {
    const n = active.length;
    const item = active[i] as Active;
    const key = item.due;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ck = keys[c] as number;
      if (c + 1 < n && (keys[c + 1] as number) < ck) {
        c++;
        ck = keys[c] as number;
      }
      if (ck >= key) break;
      active[i] = active[c] as Active;
      keys[i] = ck;
      i = c;
    }
    active[i] = item;
    keys[i] = key;
  }
  function pushActive(a: Active): void {
    let i = active.length;
    if (i >= keys.length) {
      const bigger = new Float64Array(keys.length * 2);
      bigger.set(keys);
      keys = bigger;
    }
    active.push(a);
    const key = a.due;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = keys[p] as number;
      if (pk <= key) break;
      active[i] = active[p] as Active;
      keys[i] = pk;
      i = p;
    }
    active[i] = a;
    keys[i] = key;
  }
  function popActive(): void {
    const last = active.pop() as Active;
    if (active.length > 0) {
      active[0] = last;
      siftDownActive(0);
    }
  }

  const awayKey = (i: number) => availableAt.data[i] as number;
  function pushAway(user: number): void {
    let i = away.length;
    away.push(user);
    const key = awayKey(user);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (awayKey(away[p] as number) <= key) break;
      away[i] = away[p] as number;
      i = p;
    }
    away[i] = user;
  }
  function popAway(): void {
    const last = away.pop() as number;
    const n = away.length;
    if (n === 0) return;
    const key = awayKey(last);
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && awayKey(away[c + 1] as number) < awayKey(away[c] as number)) c++;
      if (awayKey(away[c] as number) >= key) break;
      away[i] = away[c] as number;
      i = c;
    }
    away[i] = last;
  }

  const free = (i: number, now: number) => inSession.data[i] === 0 && (availableAt.data[i] as number) <= now;

  function freeUser(now: number): number {
    // Weighted by activity among the configured users.
    for (let tries = 0; tries < 8; tries++) {
      const i = population.pickUserIndex(random);
      if (free(i, now)) return i;
    }
    // The user away longest, if back (entries of users already back in a session are stale).
    while (away.length > 0) {
      const i = away[0] as number;
      if (inSession.data[i] === 1) {
        popAway();
        continue;
      }
      if ((availableAt.data[i] as number) > now) break;
      popAway();
      return i;
    }
    while (unseenCursor < population.size) {
      const i = unseenCursor++;
      if (free(i, now)) return i;
    }
    // Everyone is busy or away: one more user.
    const i = userCount++;
    for (const c of [inSession, availableAt, daySeconds, day]) c.ensure(i);
    day.data[i] = -1;
    return i;
  }

  function leave(user: number, goneAt: number): void {
    inSession.data[user] = 0;
    // Away for more than the gap, counted from the end of the last dwell.
    availableAt.data[user] = goneAt + sessionGapMs + 1;
    pushAway(user);
  }

  // One reusable table of (choice, weight) rows, rewritten in place for each event: allocating it
  // per event made the garbage collector a fifth of the cost at high rates.
  const candidates: [EventType | 'exit', number][] = [...EVENT_TYPES.map((t): [EventType | 'exit', number] => [t, 0]), ['exit', 0]];

  function nextType(s: SessionState): EventType | 'exit' {
    if (s.events === 1 && random() < BOUNCE_PROBABILITY) return 'exit';
    for (const row of candidates) {
      const type = row[0];
      row[1] =
        type === 'exit'
          ? s.last === null ? 0 : s.events >= MAX_SESSION_EVENTS ? Number.MAX_VALUE : EXIT_WEIGHT
          : generators[type].weight(s) * s.user.habits[type];
    }
    return weightedChoice(random, candidates);
  }

  // Formatting a timestamp: the minute's prefix is cached, seconds and milliseconds appended.
  let minuteMs = Number.NaN;
  let minutePrefix = '';
  function iso(ms: number): string {
    const minute = ms - (ms % 60_000);
    if (minute !== minuteMs) {
      minuteMs = minute;
      minutePrefix = new Date(minute).toISOString().slice(0, 17);
    }
    const rest = ms - minute;
    const sec = Math.floor(rest / 1000);
    const milli = rest - sec * 1000;
    return `${minutePrefix}${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  }

  /** Makes the event of `a` at its due time, then schedules its next one or ends the session. */
  function emit(a: Active, isNew: boolean): ClickstreamEvent {
    const s = a.s;
    const at = a.due;
    const user = s.user.index;
    const generator = generators[a.type];
    let sessionDuration = skewedInt(random, {
      median: generator.dwell.median * s.user.dwellFactor,
      sigma: generator.dwell.sigma,
      min: 0,
      max: MAX_SESSION_DURATION,
    });
    // A user's dwells never overlap, so at most 86,400 s of them start in one UTC day.
    const d = Math.floor(at / DAY_MS);
    if (day.data[user] !== d) {
      day.data[user] = d;
      daySeconds.data[user] = 0;
    }
    const used = daySeconds.data[user] as number;
    if (used + sessionDuration > 86_400) sessionDuration = 86_400 - used;
    daySeconds.data[user] = used + sessionDuration;

    const event = generator.build({ session: s, random, catalogue, timestamp: iso(at), sessionDuration });
    s.last = a.type;
    s.events += 1;
    const nextAt = at + sessionDuration * 1000 + Math.floor(random() * DWELL_JITTER_MS);
    // A dwell as long as the session gap times the session out (as analytics tools count it): the
    // user's next event, whenever it comes, starts a new session.
    const type = s.ended || nextAt - at >= sessionGapMs ? 'exit' : nextType(s);
    if (type === 'exit') {
      if (!isNew) popActive();
      leave(user, nextAt);
    } else {
      a.due = nextAt;
      a.type = type;
      if (isNew) pushActive(a);
      else siftDownActive(0);
    }
    return event;
  }

  function newSession(now: number): Active {
    const index = freeUser(now);
    inSession.data[index] = 1;
    sessionCount += 1;
    const s: SessionState = {
      sessionId: `sess-${seedTag}-${sessionCount.toString(36)}`,
      user: population.user(index),
      last: null,
      loggedIn: false,
      page: '/',
      product: null,
      cart: [],
      events: 0,
      ended: false,
    };
    return { s, due: now, type: nextType(s) as EventType };
  }

  return {
    next(now) {
      for (;;) {
        const top = active[0];
        if (top === undefined || top.due > now) return emit(newSession(now), true);
        if (now - top.due > MAX_LAG_MS) {
          // Too far behind (the rate was lowered): the user left after their last dwell.
          popActive();
          abandoned += 1;
          leave(top.s.user.index, top.due);
          continue;
        }
        return emit(top, false);
      }
    },
    stats: () => ({ activeSessions: active.length, addedUsers: userCount - population.size, abandonedSessions: abandoned }),
  };
}
