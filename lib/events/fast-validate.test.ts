import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';
import { fastValidate } from './fast-validate';
import { CLICK_TARGETS, EVENT_TYPES, eventSchemas, LIMITS, type EventType } from './schemas';
import { parseTimestamp } from './timestamp';

const x = (n: number) => 'x'.repeat(n);

/** Field values around every rule's edges, of the right and wrong types; a field may also be absent. */
const fieldValue = {
  timestamp: fc.oneof(
    fc.date({ min: new Date(Date.UTC(-1, 0, 1)), max: new Date(Date.UTC(10_001, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2023-02-29T00:00:00.000Z', '2024-02-29T10:00:00.000Z', '2023-09-25T14:30:00', '2023-09-25T14:30:00+02:00', '0050-06-01T00:00:00.000Z'),
    fc.string(),
    fc.anything(),
  ),
  userId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:@-]{1,130}$/), fc.constantFrom('', x(128), x(129), 'a b', 'ü'), fc.string(), fc.anything()),
  sessionDuration: fc.oneof(fc.integer({ min: -2, max: LIMITS.sessionDurationSeconds + 2 }), fc.constantFrom(-0, 1.5, LIMITS.sessionDurationSeconds, LIMITS.sessionDurationSeconds + 1, '180'), fc.double(), fc.anything()),
  sessionId: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('', x(LIMITS.idLength), x(LIMITS.idLength + 1)), fc.anything()),
  productId: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('', x(LIMITS.idLength), x(LIMITS.idLength + 1)), fc.anything()),
  page: fc.oneof(fc.string(), fc.constantFrom(x(LIMITS.pageLength), x(LIMITS.pageLength + 1)), fc.anything()),
  target: fc.oneof(fc.constantFrom(...CLICK_TARGETS, 'Product', ''), fc.anything()),
  searchQuery: fc.oneof(fc.string(), fc.constantFrom(x(LIMITS.searchQueryLength), x(LIMITS.searchQueryLength + 1)), fc.anything()),
  amount: fc.oneof(fc.double(), fc.constantFrom(-0, 0, -1, LIMITS.amount, LIMITS.amount + 1, Infinity), fc.anything()),
  extra: fc.anything(),
  constructor: fc.anything(),
};

/** A valid event of each type, with every field its type has. */
const validEvent = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    timestamp: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    userId: fc.stringMatching(/^[A-Za-z0-9._:@-]{1,128}$/),
    sessionDuration: fc.integer({ min: 0, max: LIMITS.sessionDurationSeconds }),
    id: fc.string({ minLength: 1, maxLength: LIMITS.idLength }),
    page: fc.string({ maxLength: 30 }),
    target: fc.constantFrom(...CLICK_TARGETS),
    searchQuery: fc.string({ maxLength: 30 }),
    amount: fc.double({ min: 0, max: LIMITS.amount, noNaN: true }),
  })
  .map(({ type, id, ...f }): [EventType, Record<string, unknown>] => {
    const value: Record<string, unknown> = { eventType: type, timestamp: f.timestamp, userId: f.userId, sessionDuration: f.sessionDuration, sessionId: id, page: f.page, productId: id };
    if (type === 'click') value.target = f.target;
    if (type === 'search') value.searchQuery = f.searchQuery;
    if (type === 'purchase') value.amount = f.amount;
    return [type, value];
  });

/** That event with up to three fields set to another value (valid or not, of any type) or removed, or an unknown key added. */
const values = fc
  .tuple(validEvent, fc.array(fc.tuple(fc.constantFrom(...(Object.keys(fieldValue) as (keyof typeof fieldValue)[])), fc.boolean()), { maxLength: 3 }), fc.infiniteStream(fc.oneof(...Object.values(fieldValue))))
  .map(([[type, event], changes, replacements]) => {
    const value = { ...event };
    const next = replacements[Symbol.iterator]();
    for (const [field, remove] of changes) {
      if (remove) delete value[field];
      else value[field] = next.next().value as unknown;
    }
    return [type, value] as [EventType, Record<string, unknown>];
  });

describe('fastValidate', () => {
  it('answers only when the schemas accept the value, and then with the event they return', () => {
    fc.assert(
      fc.property(values, ([type, value]) => {
        const fast = fastValidate(value, type);
        if (fast === undefined) return;
        const parsed = eventSchemas[type].safeParse(value);
        expect(parsed.success, `the schemas refuse ${JSON.stringify(value)}`).toBe(true);
        expect(fast).toEqual(parsed.data);
      }),
      { numRuns: 20_000 },
    );
  });

  it('answers for every event the simulator makes, so the worker takes the fast path', () => {
    const seq = createEventSequence({ seed: 3, users: 500, clock: simulatedClock(Date.parse('2026-12-01T00:00:00Z'), 50) });
    const seen = new Set<EventType>();
    for (const m of seq.take(20_000)) {
      const value = JSON.parse(m.value.toString()) as Record<string, unknown>;
      const type = value.eventType as EventType;
      seen.add(type);
      expect(fastValidate(value, type), m.value.toString()).toBeDefined();
    }
    expect([...seen].sort()).toEqual(EVENT_TYPES);
  });

  it('leaves an unknown key, a missing required field and a product click without a product to the schemas', () => {
    const event = { timestamp: '2026-12-01T10:00:00.000Z', userId: 'u1', eventType: 'click', sessionDuration: 3 };
    expect(fastValidate(event, 'click')).toBe(event);
    expect(fastValidate({ ...event, colour: 'red' }, 'click')).toBeUndefined();
    expect(fastValidate({ ...event, userId: undefined }, 'click')).toBeUndefined();
    expect(fastValidate({ ...event, target: 'product' }, 'click')).toBeUndefined();
    expect(fastValidate({ ...event, target: 'product', productId: 'p1' }, 'click')).toBeDefined();
    expect(fastValidate({ ...event, eventType: 'purchase' }, 'purchase')).toBeUndefined();
  });
});

describe('parseTimestamp: the canonical form read by character codes', () => {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const canonical = fc
    .record({
      year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(99, 100, 1900, 2000, 2023, 2024)),
      month: fc.oneof(fc.integer({ min: 0, max: 13 }), fc.constant(2)),
      day: fc.oneof(fc.integer({ min: 0, max: 32 }), fc.constantFrom(28, 29, 30, 31)),
      hour: fc.integer({ min: 0, max: 25 }),
      minute: fc.integer({ min: 0, max: 60 }),
      second: fc.integer({ min: 0, max: 60 }),
      ms: fc.integer({ min: 0, max: 999 }),
    })
    .map(({ year, month, day, hour, minute, second, ms }) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(ms, 3)}Z`);

  it('gives what the general parse gives for the same instant written with +00:00', () => {
    fc.assert(
      fc.property(canonical, (text) => {
        expect(parseTimestamp(text), text).toBe(parseTimestamp(text.replace(/Z$/, '+00:00')));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with Date.parse on valid instants, and refuses a non-digit where a digit belongs', () => {
    expect(parseTimestamp('2026-12-01T10:00:00.123Z')).toBe(Date.parse('2026-12-01T10:00:00.123Z'));
    expect(parseTimestamp('2024-02-29T23:59:59.999Z')).toBe(Date.parse('2024-02-29T23:59:59.999Z'));
    expect(parseTimestamp('2023-02-29T00:00:00.000Z')).toBeUndefined();
    expect(parseTimestamp('2026-12-0xT10:00:00.123Z')).toBeUndefined();
    expect(parseTimestamp('2026-12-01T10:00:00.1 3Z')).toBeUndefined();
  });
});
