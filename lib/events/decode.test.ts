import { describe, expect, it } from 'vitest';
import { INVALID_KINDS, invalidMakers, makeInvalid } from '@/simulator/disorder';
import { createRandom } from '@/simulator/distributions';
import { decodeEvent, MAX_EVENT_BYTES, validateEvent, type DecodeResult } from './decode';
import type { ClickstreamEvent } from './schemas';
import { parseTimestamp } from './timestamp';

const SEED_EVENT = '{"timestamp":"2023-09-25T14:30:00","userId":"user123","eventType":"pageView","productId":"product456","sessionDuration":180}';
const options = { nowMs: Date.parse('2023-09-25T15:00:00Z'), maxFutureMs: 300_000 };
const bytes = (text: string) => Buffer.from(text, 'utf8');
const decode = (text: string) => decodeEvent(bytes(text), options);
const withFields = (patch: Record<string, unknown>) => JSON.stringify({ ...(JSON.parse(SEED_EVENT) as object), ...patch });

function reasonOf(result: DecodeResult): string {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.event)}`);
  return result.reason;
}

describe('decodeEvent: the seed event', () => {
  it('accepts it exactly as written, as 14:30 UTC', () => {
    const result = decode(SEED_EVENT);
    expect(result).toEqual({
      ok: true,
      event: {
        timestamp: '2023-09-25T14:30:00',
        userId: 'user123',
        eventType: 'pageView',
        productId: 'product456',
        sessionDuration: 180,
      },
      eventTimeMs: Date.UTC(2023, 8, 25, 14, 30, 0),
    });
  });

  it.each([
    ['2023-09-25T14:30:00Z', '2023-09-25T14:30:00.000Z'],
    ['2023-09-25T16:30:00+02:00', '2023-09-25T14:30:00.000Z'],
    ['2023-09-25T09:30:00-05:00', '2023-09-25T14:30:00.000Z'],
    ['2023-09-25T20:00:00+0530', '2023-09-25T14:30:00.000Z'],
    ['2023-09-25T14:30:00.250Z', '2023-09-25T14:30:00.250Z'],
    ['2023-09-25T14:30', '2023-09-25T14:30:00.000Z'],
  ])('converts %s to UTC', (timestamp, utc) => {
    const result = decode(withFields({ timestamp }));
    expect(result.ok && new Date(result.eventTimeMs).toISOString()).toBe(utc);
  });

  it('accepts every event type with its own fields', () => {
    const base = { timestamp: '2023-09-25T14:30:00Z', userId: 'u1', sessionDuration: 0 };
    const events = [
      { ...base, eventType: 'pageView', page: '/' },
      { ...base, eventType: 'click', target: 'product', productId: 'p1' },
      { ...base, eventType: 'click', target: 'link' },
      { ...base, eventType: 'search', searchQuery: 'red shoes' },
      { ...base, eventType: 'addToCart', productId: 'p1' },
      { ...base, eventType: 'removeFromCart', productId: 'p1' },
      { ...base, eventType: 'purchase', productId: 'p1', amount: 19.99 },
      { ...base, eventType: 'login', sessionId: 's1' },
      { ...base, eventType: 'logout', sessionDuration: 86_400 },
    ];
    for (const e of events) expect(validateEvent(e, options)).toMatchObject({ ok: true });
  });
});

describe('decodeEvent: every invalid kind is recognised with a reason naming the field', () => {
  const cases: [string, string, string][] = [
    ['malformed JSON', '{"timestamp":"2023-09-25T14:30:00","userId":', 'message'],
    ['a JSON array', '[1,2,3]', 'event'],
    ['a JSON string', '"pageView"', 'event'],
    ['JSON null', 'null', 'event'],
    ['a missing userId', withFields({ userId: undefined }), 'userId'],
    ['a missing timestamp', withFields({ timestamp: undefined }), 'timestamp'],
    ['a missing sessionDuration', withFields({ sessionDuration: undefined }), 'sessionDuration'],
    ['a missing eventType', withFields({ eventType: undefined }), 'eventType'],
    ['a missing productId on addToCart', withFields({ eventType: 'addToCart', productId: undefined }), 'productId'],
    ['a product click without productId', withFields({ eventType: 'click', target: 'product', productId: undefined }), 'productId'],
    ['a string sessionDuration', withFields({ sessionDuration: '180' }), 'sessionDuration'],
    ['a numeric userId', withFields({ userId: 123 }), 'userId'],
    ['a numeric timestamp', withFields({ timestamp: 1695652200000 }), 'timestamp'],
    ['an unknown eventType', withFields({ eventType: 'hover' }), 'eventType'],
    ['a wrongly cased eventType', withFields({ eventType: 'PageView' }), 'eventType'],
    ['a negative duration', withFields({ sessionDuration: -5 }), 'sessionDuration'],
    ['an absurd duration', withFields({ sessionDuration: 86_401 }), 'sessionDuration'],
    ['a fractional duration', withFields({ sessionDuration: 1.5 }), 'sessionDuration'],
    ['an unparseable timestamp', withFields({ timestamp: 'yesterday' }), 'timestamp'],
    ['an impossible date', withFields({ timestamp: '2023-02-30T10:00:00' }), 'timestamp'],
    ['an out-of-range offset', withFields({ timestamp: '2023-09-25T14:30:00+25:00' }), 'timestamp'],
    ['a far-future timestamp', withFields({ timestamp: '2999-01-01T00:00:00Z' }), 'timestamp'],
    ['an empty userId', withFields({ userId: '' }), 'userId'],
    ['an empty message', '', 'message'],
  ];

  it.each(cases)('rejects %s', (_name, text, field) => {
    expect(reasonOf(decode(text))).toMatch(new RegExp(`^${field}: `));
  });

  it('rejects a message over the size limit (1 MB) before parsing it', () => {
    const big = withFields({ page: 'x'.repeat(1024 * 1024) });
    expect(reasonOf(decode(big))).toMatch(/^message: is \d+ bytes, more than the 65536 allowed/);
    expect(MAX_EVENT_BYTES).toBeLessThan(1024 * 1024);
  });

  it('rejects binary garbage and a null value', () => {
    expect(reasonOf(decodeEvent(Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x9c]), options))).toMatch(/^message: is not UTF-8/);
    expect(reasonOf(decodeEvent(null, options))).toMatch(/^message: is empty/);
  });

  it('never throws, and names the right field, for every invalid kind the simulator makes', () => {
    const valid = JSON.parse(withFields({ timestamp: '2023-09-25T14:30:00Z' })) as ClickstreamEvent;
    const random = createRandom(7);
    for (const kind of INVALID_KINDS) {
      // Several draws per kind: each maker picks among variants.
      for (let i = 0; i < 20; i++) {
        const bad = makeInvalid(kind, valid, random);
        const result = decodeEvent(bad.value, options);
        expect(result.ok, `${kind} was accepted: ${bad.value.toString('utf8').slice(0, 200)}`).toBe(false);
        expect(reasonOf(result), kind).toMatch(new RegExp(`^${bad.field}: `));
      }
    }
    expect(Object.keys(invalidMakers).sort()).toEqual([...INVALID_KINDS].sort());
  });
});

describe('parseTimestamp', () => {
  it('takes years below 100 as written, not as 19xx', () => {
    expect(new Date(parseTimestamp('0050-06-01T00:00:00Z') as number).getUTCFullYear()).toBe(50);
  });
  it('accepts February 29th only in leap years', () => {
    expect(parseTimestamp('2024-02-29T00:00:00Z')).toBeDefined();
    expect(parseTimestamp('2023-02-29T00:00:00Z')).toBeUndefined();
  });
});

describe('decodeEvent: event days are bounded to 1970-01-01 … 9999-12-31 (UTC)', () => {
  // nowMs Infinity switches the far-future check off, so only the day range can refuse these.
  const unbounded = { nowMs: Infinity, maxFutureMs: 300_000 };
  const at = (timestamp: string) => decodeEvent(bytes(withFields({ timestamp })), unbounded);
  const RANGE_REASON = 'timestamp: must be on a day from 1970-01-01 to 9999-12-31 (UTC)';

  it.each([
    ['year 0 (PostgreSQL has no year 0)', '0000-01-01T00:00:00Z'],
    ['year 1', '0001-01-01T00:00:00Z'],
    ['the last second before 1970', '1969-12-31T23:59:59Z'],
    ['the last millisecond before 1970', '1969-12-31T23:59:59.999Z'],
    ['1970-01-01 00:00 at +01:00, which is 1969 in UTC', '1970-01-01T00:00:00+01:00'],
    ['9999-12-31 23:59:59 at -05:00, which is year 10000 in UTC', '9999-12-31T23:59:59-05:00'],
  ])('rejects %s with a reason naming timestamp and the allowed days', (_name, timestamp) => {
    expect(reasonOf(at(timestamp))).toBe(RANGE_REASON);
  });

  it.each(['10000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z'])('rejects the expanded year %s as not an ISO-8601 date-time', (timestamp) => {
    // Five-digit and signed years do not even parse (the format allows four digits), so the reason is
    // the format's, still naming timestamp.
    expect(parseTimestamp(timestamp)).toBeUndefined();
    expect(reasonOf(at(timestamp))).toBe('timestamp: must be an ISO-8601 date-time such as 2023-09-25T14:30:00Z');
  });

  it.each([
    ['1970-01-01T00:00:00Z', Date.UTC(1970, 0, 1)],
    ['1970-01-01T01:00:00+01:00', Date.UTC(1970, 0, 1)],
    ['9999-12-31T23:59:59Z', Date.UTC(9999, 11, 31, 23, 59, 59)],
    ['9999-12-31T23:59:59.999Z', Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
  ])('accepts the first and last instants, %s', (timestamp, ms) => {
    const result = at(timestamp);
    expect(result.ok && result.eventTimeMs).toBe(ms);
  });

  it('still applies the far-future check to the last day when nowMs is a real instant', () => {
    // In range, but far ahead of the record's timestamp: refused by the future check, not the range.
    const reason = reasonOf(decode(withFields({ timestamp: '9999-12-31T23:59:59Z' })));
    expect(reason).toBe("timestamp: 9999-12-31T23:59:59Z is more than 300 s ahead of the record's Kafka timestamp 2023-09-25T15:00:00.000Z");
  });
});

describe('decodeEvent: the far-future check is against nowMs (the record\'s Kafka timestamp), to the millisecond', () => {
  const recordMs = Date.parse('2026-03-01T12:00:00Z');
  const judged = (timestamp: string, nowMs = recordMs) => decodeEvent(bytes(withFields({ timestamp })), { nowMs, maxFutureMs: 300_000 });

  it('accepts an event exactly maxFutureMs ahead and refuses one a millisecond further, naming the record timestamp', () => {
    expect(judged('2026-03-01T12:05:00.000Z').ok).toBe(true);
    expect(reasonOf(judged('2026-03-01T12:05:00.001Z'))).toBe(
      "timestamp: 2026-03-01T12:05:00.001Z is more than 300 s ahead of the record's Kafka timestamp 2026-03-01T12:00:00.000Z",
    );
    expect(reasonOf(judged('2026-03-01T12:06:00Z'))).toMatch(/record's Kafka timestamp 2026-03-01T12:00:00\.000Z$/);
  });

  it('judges the same event by the nowMs given, not by the wall clock', () => {
    // Years ahead of the wall clock, yet valid against a record written at that time.
    expect(judged('2999-06-01T00:04:00Z', Date.parse('2999-06-01T00:00:00Z')).ok).toBe(true);
    // Long past by the wall clock, yet refused: more than 5 minutes ahead of its record.
    expect(reasonOf(judged('2000-01-01T00:06:00Z', Date.parse('2000-01-01T00:00:00Z')))).toMatch(/^timestamp: .* ahead of the record's Kafka timestamp 2000-01-01T00:00:00\.000Z$/);
  });
});
