import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '@/lib/events/decode';
import { EVENT_TYPES, type ClickstreamEvent } from '@/lib/events/schemas';
import { simulatedClock, wallClock } from './clock';
import { INVALID_KINDS } from './disorder';
import { createEventSequence, type EventSequenceOptions } from './sequence';
import { MAX_LAG_MS } from './session-model';

const START = Date.parse('2023-09-25T14:30:00Z');
const sequence = (seed: number, extra: Partial<EventSequenceOptions> = {}) =>
  createEventSequence({ seed, users: 500, clock: simulatedClock(START, 2000), ...extra });
const eventsOf = (seed: number, n: number) => sequence(seed).take(n).map((m) => m.event as ClickstreamEvent);

describe('the event sequence', () => {
  it('is deterministic: the same seed and simulated clock give the same messages, timestamps included', () => {
    const a = sequence(42).take(5000);
    const b = sequence(42).take(5000);
    expect(b).toEqual(a);
    expect(a[0]?.event?.timestamp).toBe('2023-09-25T14:30:00.000Z');
  });

  it('is deterministic with disorder on too', () => {
    const disorder = { lateFraction: 0.1, maxDelaySeconds: 5, invalidFraction: 0.05 };
    // Digests: deep-comparing the 1 MB invalid messages byte by byte is slow.
    const digest = (seed: number) =>
      sequence(seed, { disorder })
        .take(3000)
        .map((m) => `${m.key} ${m.invalid} ${m.delayedMs} ${createHash('sha256').update(m.value).digest('hex')}`);
    expect(digest(7)).toEqual(digest(7));
    expect(digest(8)).not.toEqual(digest(7));
  });

  it('differs between seeds', () => {
    const a = eventsOf(1, 200).map((e) => `${e.userId}/${e.eventType}`);
    const b = eventsOf(2, 200).map((e) => `${e.userId}/${e.eventType}`);
    expect(b).not.toEqual(a);
  });

  it('emits one event per tick of the simulated clock, stamped at its physical time, at most MAX_LAG_MS before the tick', () => {
    const clock = simulatedClock(START, 1000);
    const seq = createEventSequence({ seed: 3, users: 50, clock });
    const first = seq.take(1000).map((m) => Date.parse(m.event?.timestamp ?? ''));
    expect(first[0]).toBe(START);
    first.forEach((t, i) => {
      expect(t).toBeLessThanOrEqual(START + i);
      expect(t).toBeGreaterThanOrEqual(START + i - MAX_LAG_MS);
    });
    // A rate change spaces the ticks: 10 more events at 10/s end about a second later.
    clock.setRate(10);
    const more = seq.take(10).map((m) => Date.parse(m.event?.timestamp ?? ''));
    expect(more[9]).toBeLessThanOrEqual(START + 1000 + 900);
    expect(more[9]).toBeGreaterThan(START + 1000 + 900 - MAX_LAG_MS);
  });

  it('keys every message by the event userId, with userIds stable like user-00042', () => {
    // 500 users at 2 events/s: about what they sustain, so (almost) no users are added.
    const seq = createEventSequence({ seed: 5, users: 500, clock: simulatedClock(START, 2) });
    for (const m of seq.take(2000)) {
      expect(m.key).toBe(m.event?.userId);
      expect(m.key).toMatch(/^user-\d{5}$/);
      expect(Number(m.key.slice(5))).toBeLessThanOrEqual(500);
    }
    expect(seq.stats().addedUsers).toBe(0);
  });

  it('produces only events the worker accepts', () => {
    const options = { nowMs: START + 3_600_000, maxFutureMs: 0 };
    for (const m of sequence(11).take(20_000)) {
      const result = decodeEvent(Buffer.from(m.value), options);
      if (!result.ok) throw new Error(`${result.reason}: ${String(m.value)}`);
    }
  });

  it('stamps events with the wall clock when not simulated', () => {
    const before = Date.now();
    const [m] = createEventSequence({ seed: 1, users: 10, clock: wallClock() }).take(1);
    expect(Date.parse(m?.event?.timestamp ?? '')).toBeGreaterThanOrEqual(before);
    expect(Date.parse(m?.event?.timestamp ?? '')).toBeLessThanOrEqual(Date.now());
  });
});

describe('the sessions', () => {
  const events = eventsOf(42, 60_000);
  const sessions = new Map<string, ClickstreamEvent[]>();
  for (const e of events) {
    const list = sessions.get(e.sessionId ?? '') ?? [];
    list.push(e);
    sessions.set(e.sessionId ?? '', list);
  }

  it('covers every event type', () => {
    expect(new Set(events.map((e) => e.eventType))).toEqual(new Set(EVENT_TYPES));
  });

  it('narrows like a funnel: pageView > click > addToCart > purchase', () => {
    const count = (t: string) => events.filter((e) => e.eventType === t).length;
    expect(count('pageView')).toBeGreaterThan(count('click'));
    expect(count('click')).toBeGreaterThan(count('addToCart'));
    expect(count('addToCart')).toBeGreaterThan(count('purchase'));
    expect(count('purchase')).toBeGreaterThan(0);
  });

  it('keeps each session to one user, interleaves sessions, and follows the funnel rules within a session', () => {
    expect(sessions.size).toBeGreaterThan(1000);
    // Sessions run concurrently: the first 100 events come from many sessions.
    expect(new Set(events.slice(0, 100).map((e) => e.sessionId)).size).toBeGreaterThan(20);
    for (const [id, list] of sessions) {
      expect(new Set(list.map((e) => e.userId)).size, id).toBe(1);
      expect(['pageView', 'login'], id).toContain(list[0]?.eventType);
      const seen = new Set<string>();
      const cart: string[] = [];
      let loggedIn = false;
      list.forEach((e, i) => {
        switch (e.eventType) {
          case 'addToCart':
            // Only a product the user has looked at (its page or a click on it).
            expect(seen.has(e.productId), `${id}: added ${e.productId} unseen`).toBe(true);
            cart.push(e.productId);
            break;
          case 'removeFromCart':
          case 'purchase': {
            const at = cart.indexOf(e.productId);
            expect(at, `${id}: ${e.eventType} of ${e.productId} not in the cart`).toBeGreaterThanOrEqual(0);
            cart.splice(at, 1);
            if (e.eventType === 'purchase') expect(e.amount).toBeGreaterThan(0);
            break;
          }
          case 'login':
            expect(loggedIn, `${id}: logged in twice`).toBe(false);
            loggedIn = true;
            break;
          case 'logout':
            expect(loggedIn, `${id}: logout without login`).toBe(true);
            expect(i, `${id}: events after logout`).toBe(list.length - 1);
            break;
          case 'search':
            expect(e.searchQuery?.length).toBeGreaterThan(0);
            break;
          default:
            break;
        }
        if (e.productId) seen.add(e.productId);
      });
    }
  });

  it('draws sessionDuration from a right-skewed distribution of whole seconds in 0..86400', () => {
    const d = events.map((e) => e.sessionDuration).sort((a, b) => a - b);
    const median = d[Math.floor(d.length / 2)] as number;
    const mean = d.reduce((s, x) => s + x, 0) / d.length;
    expect(d.every((x) => Number.isInteger(x) && x >= 0 && x <= 86_400)).toBe(true);
    expect(mean).toBeGreaterThan(median * 1.3);
    expect(d[Math.floor(d.length * 0.99)]).toBeGreaterThan(median * 5);
  });

  it('gives users habits: the most common event differs from user to user', () => {
    const perUser = new Map<string, Map<string, number>>();
    for (const e of events) {
      const m = perUser.get(e.userId) ?? new Map<string, number>();
      m.set(e.eventType, (m.get(e.eventType) ?? 0) + 1);
      perUser.set(e.userId, m);
    }
    const favourites = new Map<string, number>();
    for (const counts of perUser.values()) {
      const [top] = [...counts].sort((a, b) => b[1] - a[1])[0] as [string, number];
      favourites.set(top, (favourites.get(top) ?? 0) + 1);
    }
    expect(perUser.size).toBeGreaterThan(400);
    expect(favourites.size).toBeGreaterThanOrEqual(4);
    // No single type is everyone's favourite.
    expect(Math.max(...favourites.values())).toBeLessThan(perUser.size * 0.7);
  });
});

describe('disorder', () => {
  it('is off by default', () => {
    const msgs = sequence(9).take(5000);
    expect(msgs.every((m) => m.invalid === null && m.delayedMs === 0)).toBe(true);
    const times = msgs.map((m) => Date.parse(m.event?.timestamp ?? ''));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('holds back a fraction of events, up to the maximum delay, so they arrive out of order', () => {
    const msgs = sequence(9, { disorder: { lateFraction: 0.2, maxDelaySeconds: 3 } }).take(20_000);
    const late = msgs.filter((m) => m.delayedMs > 0);
    expect(late.length / msgs.length).toBeGreaterThan(0.1);
    expect(late.length / msgs.length).toBeLessThan(0.3);
    expect(Math.max(...late.map((m) => m.delayedMs))).toBeLessThanOrEqual(3000 + 1);
    const times = msgs.map((m) => Date.parse(m.event?.timestamp ?? ''));
    expect(times).not.toEqual([...times].sort((a, b) => a - b));
  });

  it('replaces a fraction of messages with invalid ones of every kind, each rejected by the decoder', () => {
    const msgs = sequence(9, { disorder: { invalidFraction: 0.1 } }).take(5000);
    const invalid = msgs.filter((m) => m.invalid !== null);
    expect(invalid.length / msgs.length).toBeGreaterThan(0.05);
    expect(invalid.length / msgs.length).toBeLessThan(0.15);
    expect(new Set(invalid.map((m) => m.invalid))).toEqual(new Set(INVALID_KINDS));
    for (const m of invalid) {
      expect(m.event).toBeNull();
      expect(decodeEvent(Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value), { nowMs: Date.now(), maxFutureMs: 300_000 }).ok).toBe(false);
    }
  });
});
