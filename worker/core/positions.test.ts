import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planBatch, planStart, type LivePosition, type PartitionLog, type RecordAccess, type StoredPosition } from './positions';

const log = (logStart: bigint, logEnd: bigint, clusterId = 'c1'): PartitionLog => ({ clusterId, logStart, logEnd });
const stored = (nextOffset: bigint, over: Partial<StoredPosition> = {}): StoredPosition => ({ nextOffset, watermarkMs: 1000, clusterId: 'c1', lastRecord: { timestampMs: 5, crc: 7 }, ...over });

/** A record of a test batch: its offset and the fingerprint it would have. */
interface Rec {
  offset: bigint;
  ts: number;
  crc: number;
}
const read: RecordAccess<Rec> = { offset: (m) => m.offset, fingerprint: (m) => ({ timestampMs: m.ts, crc: m.crc }) };
const recs = (from: number, to: number, fp: (o: number) => { ts: number; crc: number } = () => ({ ts: 5, crc: 7 })): Rec[] =>
  Array.from({ length: to - from }, (_, i) => ({ offset: BigInt(from + i), ...fp(from + i) }));
const batch = (fetchedOffset: bigint, messages: Rec[], highWatermark = 1000n) => ({ fetchedOffset, highWatermark, messages });

describe('planStart: where counting goes on', () => {
  it('starts a partition never counted at the log start, counting what retention removed as expired', () => {
    expect(planStart(null, log(0n, 10n))).toEqual({ kind: 'start', from: 0n, expired: 0n, verify: null });
    expect(planStart(null, log(40n, 90n))).toEqual({ kind: 'start', from: 40n, expired: 40n, verify: null });
  });

  it('goes on from the stored offset and reads the last counted record again to compare', () => {
    expect(planStart(stored(50n), log(0n, 90n))).toEqual({ kind: 'start', from: 50n, expired: 0n, verify: { offset: 49n, record: { timestampMs: 5, crc: 7 } } });
  });

  it('refuses a position stored for another cluster, naming both', () => {
    const plan = planStart(stored(50n, { clusterId: 'old' }), log(0n, 90n, 'new'));
    expect(plan.kind).toBe('mismatch');
    expect(plan.kind === 'mismatch' && plan.reason).toMatch(/cluster old.*cluster new/);
  });

  it('refuses a stored offset beyond the partition end (a re-created topic), at any end below it', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 10n ** 12n }), (next, end) => {
        fc.pre(end < next);
        const plan = planStart(stored(next), log(0n, end));
        return plan.kind === 'mismatch' && plan.reason.includes(`next offset ${next} is beyond the partition's end (${end})`);
      }),
    );
  });

  it('skips to the log start when retention removed offsets not yet read, and says how many', () => {
    expect(planStart(stored(10n), log(25n, 30n))).toEqual({ kind: 'start', from: 25n, expired: 15n, verify: null });
  });

  it('cannot compare when the last counted record is gone, or was never recorded, and goes on', () => {
    expect(planStart(stored(25n), log(25n, 30n))).toEqual({ kind: 'start', from: 25n, expired: 0n, verify: null });
    expect(planStart(stored(26n, { lastRecord: null, clusterId: null }), log(0n, 30n))).toEqual({ kind: 'start', from: 26n, expired: 0n, verify: null });
  });
});

describe('planBatch: what to do with a fetched batch', () => {
  const at = (nextOffset: bigint, verify: LivePosition['verify'] = null): LivePosition => ({ nextOffset, verify });

  it('counts the messages at or past the position and drops those counted before', () => {
    const plan = planBatch(at(12n), batch(10n, recs(10, 20)), read);
    expect(plan).toEqual({ kind: 'count', messages: recs(12, 20), verified: false });
  });

  it('compares the record read again and counts after it when it is the same', () => {
    const plan = planBatch(at(12n, { offset: 11n, record: { timestampMs: 5, crc: 7 } }), batch(11n, recs(11, 15)), read);
    expect(plan).toEqual({ kind: 'count', messages: recs(12, 15), verified: true });
  });

  it('refuses when the record at the last counted offset is another one (the topic was re-created and refilled)', () => {
    const plan = planBatch(at(12n, { offset: 11n, record: { timestampMs: 5, crc: 7 } }), batch(11n, recs(11, 15, () => ({ ts: 5, crc: 8 }))), read);
    expect(plan.kind).toBe('mismatch');
    expect(plan.kind === 'mismatch' && plan.reason).toMatch(/record at offset 11 is not the one counted/);
  });

  it('seeks to the record to compare when the batch ends before it (fetched far below a position moved on elsewhere)', () => {
    // Nothing in such a batch is counted or resolved: without the seek the same fetch comes back for ever.
    const pos = at(5000n, { offset: 4999n, record: { timestampMs: 5, crc: 7 } });
    expect(planBatch(pos, batch(0n, recs(0, 2000), 6000n), read)).toEqual({ kind: 'seek', offset: 4999n });
  });

  it('refuses when the partition ends before the position', () => {
    expect(planBatch(at(500n), batch(0n, recs(0, 3), 3n), read).kind).toBe('mismatch');
  });

  it('asks for the log start when fetched past where reading must start, then seeks back', () => {
    const b = batch(30n, recs(30, 35));
    expect(planBatch(at(20n), b, read)).toEqual({ kind: 'need-log-start' });
    expect(planBatch(at(20n), b, read, 0n)).toEqual({ kind: 'seek', offset: 20n });
    expect(planBatch(at(20n, { offset: 19n, record: { timestampMs: 5, crc: 7 } }), batch(20n, recs(20, 25)), read, 0n)).toEqual({ kind: 'seek', offset: 19n });
  });

  it('counts past an expired gap once, from the log start, instead of seeking back for ever', () => {
    // Kafka reset the fetch to the log start (30) because the position (20) is gone.
    expect(planBatch(at(20n), batch(30n, recs(30, 35)), read, 30n)).toEqual({ kind: 'expired', to: 30n, messages: recs(30, 35) });
    // Fetched past the log start: read from the log start first.
    expect(planBatch(at(20n), batch(33n, recs(33, 35)), read, 30n)).toEqual({ kind: 'seek', offset: 30n });
  });

  it('goes on without comparing when the record to compare expired but the position did not', () => {
    expect(planBatch(at(20n, { offset: 19n, record: { timestampMs: 5, crc: 7 } }), batch(20n, recs(20, 22)), read, 20n)).toEqual({ kind: 'count', messages: recs(20, 22), verified: true });
  });

  it('never counts an offset below the position, nor skips one at or above it, whatever the fetch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 50 }), (next, fetched, n) => {
        const plan = planBatch(at(BigInt(next)), batch(BigInt(fetched), recs(fetched, fetched + n)), read, 0n);
        if (plan.kind !== 'count') return plan.kind === 'seek' && fetched > next && plan.offset === BigInt(next);
        const expected = recs(fetched, fetched + n).filter((r) => r.offset >= BigInt(next));
        return fetched <= next && JSON.stringify(plan.messages.map((m) => String(m.offset))) === JSON.stringify(expected.map((m) => String(m.offset)));
      }),
    );
  });
});
