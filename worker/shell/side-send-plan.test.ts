import { createRequire } from 'node:module';
import fc from 'fast-check';
import type { IHeaders, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { BATCH_OVERHEAD_BYTES, fitMessage, messageBytes, MIN_BUDGET_BYTES, planSideSends, sendBudget, TRUNCATED_HEADER } from './side-send-plan';

// kafkajs's own encoder for a produce request's record batch, to check the estimates against the
// bytes that go on the wire (what the broker compares with max.message.bytes).
const require = createRequire(import.meta.url);
type Encoded = { size(): number };
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (o: { records: unknown[]; lastOffsetDelta: number }) => Promise<Encoded> };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: Message & { offsetDelta: number; timestampDelta: number }) => unknown;

async function wireBytes(messages: Message[]): Promise<number> {
  const records = messages.map((m, i) => Record({ ...m, offsetDelta: i, timestampDelta: 0 }));
  return (await RecordBatch({ records, lastOffsetDelta: records.length - 1 })).size();
}

const sideHeaders = (offset: number): IHeaders => ({
  'x-reason': 'json: Unexpected token',
  'x-source-topic': 'clickstream.events',
  'x-source-partition': '3',
  'x-source-offset': String(offset),
  'x-source-timestamp': '1767225600000',
});
const dead = (i: number, valueBytes: number, key: string | null = `user-${i}`): Message => ({ key, value: Buffer.alloc(valueBytes, 65 + (i % 26)), headers: sideHeaders(i) });
const str = (v: Buffer | string | null | undefined) => (v === null || v === undefined ? v : v.toString());

describe('planSideSends', () => {
  it('packs messages in order into sends under the budget, each message once', async () => {
    const messages = Array.from({ length: 40 }, (_, i) => dead(i, 80_000));
    const budget = sendBudget(1_048_588);
    const sends = planSideSends(messages, budget);
    expect(sends.length).toBe(4); // 12 × ~80 KB per send
    expect(sends.flatMap((s) => s.messages)).toEqual(messages);
    sends.forEach((s, i) => {
      expect(s.messages.every((m, j) => m === messages[s.first + j])).toBe(true); // unchanged, same objects
      expect(s.first).toBe(i === 0 ? 0 : (sends[i - 1]?.first ?? 0) + (sends[i - 1]?.count ?? 0));
      expect(s.bytes).toBeLessThanOrEqual(budget);
    });
    for (const s of sends) expect(await wireBytes(s.messages)).toBeLessThanOrEqual(s.bytes);
  });

  it('sends a message over the budget alone, its value cut to fit, with a header saying so and the other headers kept', async () => {
    const big = dead(7, 1_048_576);
    const budget = sendBudget(1_048_588);
    const [before, alone, after, ...rest] = planSideSends([dead(6, 10), big, dead(8, 10)], budget);
    expect(rest).toEqual([]);
    expect(before?.count).toBe(1);
    expect(after?.messages).toHaveLength(1);
    const m = alone?.messages[0] as Message;
    const kept = (m.value as Buffer).length;
    expect(kept).toBeGreaterThan(budget - 1000);
    expect((big.value as Buffer).subarray(0, kept).equals(m.value as Buffer)).toBe(true);
    expect(m.key).toBe('user-7');
    expect(m.headers).toEqual({ ...sideHeaders(7), [TRUNCATED_HEADER]: `value: kept ${kept} of 1048576 bytes` });
    expect(alone?.bytes).toBeLessThanOrEqual(budget);
    expect(await wireBytes([m])).toBeLessThanOrEqual(budget);
  });

  it('cuts the key too when it alone is over the budget', () => {
    const m = fitMessage({ key: 'k'.repeat(50_000), value: 'v'.repeat(50_000), headers: sideHeaders(1) }, 10_000);
    const note = String(m.headers?.[TRUNCATED_HEADER]);
    expect(note).toMatch(/^key: kept (\d+) of 50000 bytes; value: kept (\d+) of 50000 bytes$/);
    expect(str(m.key)).toBe('k'.repeat(Number(/key: kept (\d+)/.exec(note)?.[1])));
    expect(messageBytes(m) + BATCH_OVERHEAD_BYTES).toBeLessThanOrEqual(10_000);
    // A key that fits stays whole, even when that leaves little of the value.
    const k = fitMessage({ key: 'k'.repeat(9_000), value: 'v'.repeat(50_000), headers: sideHeaders(1) }, 10_000);
    expect(str(k.key)).toBe('k'.repeat(9_000));
    expect(String(k.headers?.[TRUNCATED_HEADER])).toMatch(/^value: kept \d+ of 50000 bytes$/);
  });

  it('keeps only short x-* headers when headers take more than half the budget', () => {
    const m = fitMessage({ key: 'u', value: 'v', headers: { ...sideHeaders(1), 'x-reason': 'r'.repeat(5_000), origin: 'o'.repeat(20_000), trace: ['a', 'b'] } }, 8_000);
    expect(Object.keys(m.headers ?? {}).sort()).toEqual(['x-reason', 'x-source-offset', 'x-source-partition', 'x-source-timestamp', 'x-source-topic', TRUNCATED_HEADER].sort());
    expect(str(m.headers?.['x-reason'] as Buffer)).toBe('r'.repeat(256));
    expect(m.headers?.[TRUNCATED_HEADER]).toBe('headers: kept 5 of 8, 1 shortened to 256 bytes');
    expect([str(m.key), str(m.value)]).toEqual(['u', 'v']);
    expect(messageBytes(m) + BATCH_OVERHEAD_BYTES).toBeLessThanOrEqual(8_000);
  });

  it('derives the budget from max.message.bytes less a margin', () => {
    expect(sendBudget(1_048_588)).toBe(1_048_588 - 10_485);
    expect(sendBudget(50_000)).toBe(50_000 - 1024);
    expect(sendBudget(100)).toBe(MIN_BUDGET_BYTES);
  });

  const header = fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)));
  // Keys and values: none, any short text, long multi-byte text, long binary.
  const bytes = (max: number) =>
    fc.oneof(
      fc.constant(null),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.nat({ max: max / 2 }).map((n) => 'é'.repeat(n)),
      fc.nat({ max }).map((n) => Buffer.alloc(n, 7)),
    );
  const messageArb: fc.Arbitrary<Message> = fc.record({
    key: bytes(20_000),
    value: bytes(120_000),
    headers: fc.dictionary(fc.oneof(fc.constantFrom('x-reason', 'x-source-offset', 'x-truncated', 'x-long'), fc.string({ maxLength: 20 })), fc.oneof(header, fc.array(header, { maxLength: 3 }))),
  });

  it('always fits the budget on the wire, keeps order, drops nothing, and says what it cut', async () => {
    let shortened = 0;
    let shared = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(messageArb, { maxLength: 30 }), fc.integer({ min: MIN_BUDGET_BYTES, max: 200_000 }), async (messages, budget) => {
        const sends = planSideSends(messages, budget);
        expect(sends.reduce((n, s) => n + s.count, 0)).toBe(messages.length);
        let next = 0;
        for (const s of sends) {
          expect(s.first).toBe(next);
          expect(s.messages).toHaveLength(s.count);
          next += s.count;
          if (s.count > 1) shared++;
          expect(s.bytes).toBeLessThanOrEqual(budget);
          expect(s.bytes).toBe(BATCH_OVERHEAD_BYTES + s.messages.reduce((n, m) => n + messageBytes(m), 0));
          expect(await wireBytes(s.messages)).toBeLessThanOrEqual(s.bytes);
          s.messages.forEach((m, j) => {
            const original = messages[s.first + j] as Message;
            if (m === original) return;
            shortened++;
            // A shortened copy: only when it had to be, prefixes of key and value, and marked.
            expect(messageBytes(original) + BATCH_OVERHEAD_BYTES).toBeGreaterThan(budget);
            expect(typeof m.headers?.[TRUNCATED_HEADER]).toBe('string');
            for (const part of ['key', 'value'] as const) {
              const was = original[part] === null || original[part] === undefined ? null : Buffer.from(original[part]);
              const now = m[part] === null || m[part] === undefined ? null : Buffer.from(m[part]);
              if (was === null) expect(now).toBeNull();
              else expect(was.subarray(0, now?.length ?? 0).equals(now ?? Buffer.alloc(0))).toBe(true);
            }
          });
        }
      }),
      { numRuns: 150, endOnFailure: true }, // no shrinking: counterexamples are large
    );
    // The runs did shorten messages and did pack several into one send.
    expect(shortened).toBeGreaterThan(50);
    expect(shared).toBeGreaterThan(50);
  }, 60_000);
});
