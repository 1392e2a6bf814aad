import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { inSessionOrder, planSessionRead, readResult, sessionEventOf, takeBatch, type ActiveRead, type ReadOutcome } from './session-events-reader';

const q = { partition: 2, firstOffset: '100', lastOffset: '120' };
const message = (offset: number, value: unknown, timestampMs = Date.parse('2024-05-01T10:00:00Z')): KafkaMessage =>
  ({ offset: String(offset), timestamp: String(timestampMs), value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), key: null, attributes: 0, headers: {} });
const event = (userId: string, iso: string, eventType = 'pageView') => ({ userId, timestamp: iso, eventType, sessionDuration: 5, page: '/p' });

describe('planSessionRead: what retention left of the range', () => {
  it('reads the whole range when it is all there', () => {
    expect(planSessionRead(q, { partition: 2, low: 0, high: 500 })).toEqual({ kind: 'read', from: 100n, to: 120n, partial: false, message: null });
  });
  it('reads what is left when retention removed the start, and says so', () => {
    const p = planSessionRead(q, { partition: 2, low: 110, high: 500 });
    expect(p).toMatchObject({ kind: 'read', from: 110n, to: 120n, partial: true });
    expect(p.message).toMatch(/retention has removed the start/);
  });
  it('reads nothing when retention removed it all, or the partition does not reach it', () => {
    expect(planSessionRead(q, { partition: 2, low: 121, high: 500 })).toMatchObject({ kind: 'skip', status: 'expired', message: expect.stringMatching(/retention has removed/) as unknown });
    expect(planSessionRead(q, { partition: 2, low: 0, high: 120 })).toMatchObject({ kind: 'skip', status: 'expired', message: expect.stringMatching(/re-created or truncated/) as unknown });
    expect(planSessionRead(q, undefined)).toMatchObject({ kind: 'skip', status: 'expired' });
  });
  it('refuses a range larger than one request reads', () => {
    expect(planSessionRead(q, { partition: 2, low: 0, high: 500 }, 20)).toMatchObject({ kind: 'skip', status: 'too_large' });
    expect(planSessionRead(q, { partition: 2, low: 0, high: 500 }, 21)).toMatchObject({ kind: 'read' });
  });
});

describe('sessionEventOf: the user’s valid events within [start, end]', () => {
  const window = { userId: 'u1', startMs: Date.parse('2024-05-01T10:00:00Z'), endMs: Date.parse('2024-05-01T10:30:00Z') };
  it('keeps the user’s events inside the span, ends included, and normalizes the time', () => {
    expect(sessionEventOf(message(5, event('u1', '2024-05-01T10:00:00')), 2, window, 300_000)).toMatchObject({ offset: '5', partition: 2, eventTime: '2024-05-01T10:00:00.000Z', timestamp: '2024-05-01T10:00:00' });
    expect(sessionEventOf(message(6, event('u1', '2024-05-01T10:30:00Z'), Date.parse('2024-05-01T10:30:00Z')), 2, window, 300_000)).toBeDefined();
  });
  it('drops other users, times outside the span and invalid messages (as the worker does)', () => {
    expect(sessionEventOf(message(5, event('u2', '2024-05-01T10:10:00Z')), 2, window, 300_000)).toBeUndefined();
    expect(sessionEventOf(message(5, event('u1', '2024-05-01T10:30:00.001Z')), 2, window, 300_000)).toBeUndefined();
    expect(sessionEventOf(message(5, 'not json'), 2, window, 300_000)).toBeUndefined();
    expect(sessionEventOf(message(5, { ...event('u1', '2024-05-01T10:10:00Z'), eventType: 'teleport' }), 2, window, 300_000)).toBeUndefined();
    // More than MAX_FUTURE_MS ahead of the record's Kafka timestamp: invalid.
    expect(sessionEventOf(message(5, event('u1', '2024-05-01T10:10:00Z'), Date.parse('2024-05-01T09:00:00Z')), 2, window, 300_000)).toBeUndefined();
  });
});

describe('the order and the status of a read', () => {
  const e = (offset: string, eventTimeMs: number) => ({ userId: 'u1', eventType: 'click', timestamp: '', eventTime: '', eventTimeMs, sessionDuration: 1, page: null, productId: null, partition: 0, offset });
  it('orders by event time, then offset (numerically)', () => {
    expect(inSessionOrder([e('10', 5), e('9', 5), e('100', 1), e('2', 7)]).map((x) => x.offset)).toEqual(['100', '9', '10', '2']);
  });
  const plan = { kind: 'read' as const, from: 0n, to: 10n, partial: false, message: null };
  it('is complete when the count matches, a mismatch otherwise, partial after retention', () => {
    expect(readResult(plan, [e('1', 1), e('2', 2)], 2)).toMatchObject({ status: 'complete', message: null });
    expect(readResult(plan, [e('1', 1), e('2', 2), e('3', 3)], 2)).toMatchObject({ status: 'mismatch', message: expect.stringMatching(/3 events .* counted 2/) as unknown });
    expect(readResult({ ...plan, partial: true, message: 'Removed.' }, [e('2', 2)], 2)).toMatchObject({ status: 'partial', message: 'Removed. 1 of the session’s 2 events are shown.'.replace('’', "'") });
  });
  it('returns events without the internal time field', () => {
    expect(Object.keys(readResult(plan, [e('1', 1)], 1).events[0] ?? {})).not.toContain('eventTimeMs');
  });
});

describe('takeBatch: one fetched batch into the read', () => {
  const at = Date.parse('2024-05-01T10:00:00Z');
  const read = () => {
    const outcomes: ReadOutcome[] = [];
    const a: ActiveRead = { partition: 0, from: 10n, to: 12n, query: { userId: 'u1', startMs: at, endMs: at + 60_000, partition: 0, firstOffset: '10', lastOffset: '12', eventCount: 2 }, started: false, progressAt: 0, events: new Map(), done: (o) => outcomes.push(o) };
    return { a, outcomes };
  };
  it('ignores messages past the range before any of it came (a batch fetched before the seek)', () => {
    const { a, outcomes } = read();
    takeBatch(a, 0, [message(40, event('u1', '2024-05-01T10:00:10Z')), message(41, event('u1', '2024-05-01T10:00:20Z'))], 300_000);
    expect(outcomes).toEqual([]);
    takeBatch(a, 0, [message(9, event('u1', '2024-05-01T10:00:00Z')), message(10, event('u1', '2024-05-01T10:00:00Z')), message(11, event('u2', '2024-05-01T10:00:05Z'))], 300_000);
    expect(outcomes).toEqual([]);
    takeBatch(a, 0, [message(11, event('u2', '2024-05-01T10:00:05Z')), message(12, event('u1', '2024-05-01T10:00:30Z')), message(13, event('u1', '2024-05-01T10:00:40Z'))], 300_000);
    expect(outcomes).toEqual(['done']);
    expect([...a.events.keys()]).toEqual(['10', '12']);
  });
  it('is done past the range once it has started (offsets can skip: transaction markers)', () => {
    const { a, outcomes } = read();
    takeBatch(a, 0, [message(10, event('u1', '2024-05-01T10:00:00Z')), message(14, event('u1', '2024-05-01T10:00:00Z'))], 300_000);
    expect(outcomes).toEqual(['done']);
  });
});
