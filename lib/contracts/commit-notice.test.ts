import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundNotice, buildCommitNotice, commitNoticeSchema, MAX_NOTICE_BYTES, MAX_NOTICE_MINUTES, MAX_NOTICE_USERS, type CommitNotice } from './commit-notice';

const bytes = (n: CommitNotice) => Buffer.byteLength(JSON.stringify(n), 'utf8');

const base: CommitNotice = { at: '2026-01-01T00:00:00.000Z', groupId: 'g', topic: 't', partitions: [0], events: 1, invalid: 0, late: 0, users: [], usersTruncated: false, days: [], minutes: [] };
const longUser = (i: number) => `u${i}-`.padEnd(128, 'x');
const day = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
const minute = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();

// Notices as the worker could build them, and worse: any strings (multi-byte, control characters
// that JSON escapes), long lists. The other fields stay within what Kafka and the config allow.
const noticeArb: fc.Arbitrary<CommitNotice> = fc.record({
  at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  groupId: fc.string({ minLength: 1, maxLength: 255 }),
  topic: fc.stringMatching(/^[a-zA-Z0-9._-]{1,249}$/),
  partitions: fc.array(fc.nat({ max: 10_000 }), { maxLength: 64 }),
  events: fc.nat(),
  invalid: fc.nat(),
  late: fc.nat(),
  users: fc.array(fc.string({ unit: 'binary', maxLength: 130, size: 'max' }), { maxLength: 200, size: 'max' }),
  usersTruncated: fc.boolean(),
  days: fc.array(fc.string({ unit: 'grapheme', maxLength: 12, size: 'max' }), { maxLength: 300, size: 'max' }),
  minutes: fc.array(fc.string({ maxLength: 30, size: 'max' }), { maxLength: 300, size: 'max' }),
});

describe('boundNotice', () => {
  it('keeps any notice within the byte budget and valid under the schema', () => {
    let overBudget = 0;
    fc.assert(
      fc.property(noticeArb, fc.integer({ min: 2_000, max: MAX_NOTICE_BYTES }), (notice, budget) => {
        if (bytes(notice) > budget) overBudget++;
        const bounded = boundNotice(notice, budget);
        expect(bytes(bounded)).toBeLessThanOrEqual(budget);
        expect(commitNoticeSchema.safeParse(JSON.parse(JSON.stringify(bounded))).success).toBe(true);
        // Only trimmed, never invented: every entry kept was in the original list.
        for (const key of ['users', 'days', 'minutes'] as const) {
          expect(bounded[key].length).toBeLessThanOrEqual(notice[key].length);
          const original = new Set(notice[key]);
          expect(bounded[key].every((x) => original.has(x))).toBe(true);
        }
        // A shortened list says so.
        if (bounded.users.length < notice.users.length) expect(bounded.usersTruncated).toBe(true);
        if (bounded.days.length < notice.days.length) expect(bounded.daysTruncated).toBe(true);
        if (bounded.minutes.length < notice.minutes.length) expect(bounded.minutesTruncated).toBe(true);
      }),
      { numRuns: 150, endOnFailure: true }, // no shrinking: a counterexample is large, and shrinking it takes minutes
    );
    // The property saw plenty of notices that needed trimming.
    expect(overBudget).toBeGreaterThan(50);
  }, 30_000);

  it('returns a notice that fits unchanged', () => {
    const n = { ...base, users: ['a', 'b'], days: ['2025-01-01'], minutes: [minute(0)] };
    expect(boundNotice(n)).toBe(n);
  });

  it('trims users first, keeping as many as fit, and leaves days and minutes alone when that is enough', () => {
    const n = { ...base, users: Array.from({ length: 100 }, (_, i) => longUser(i)), days: [day(0), day(1)], minutes: [minute(0)] };
    expect(bytes(n)).toBeGreaterThan(MAX_NOTICE_BYTES);
    const b = boundNotice(n);
    expect(b.usersTruncated).toBe(true);
    expect(b.users).toEqual(n.users.slice(0, b.users.length));
    expect(b.users.length).toBeGreaterThan(40);
    // One more user would not have fitted.
    expect(bytes({ ...b, users: n.users.slice(0, b.users.length + 1) })).toBeGreaterThan(MAX_NOTICE_BYTES);
    expect(b.days).toEqual(n.days);
    expect(b.minutes).toEqual(n.minutes);
    expect(b.daysTruncated).toBeUndefined();
    expect(b.minutesTruncated).toBeUndefined();
  });

  it('then trims days (keeping the latest), then minutes, flagging each', () => {
    const n = {
      ...base,
      users: Array.from({ length: 100 }, (_, i) => longUser(i)),
      days: Array.from({ length: 1000 }, (_, i) => day(i)),
      minutes: Array.from({ length: 1000 }, (_, i) => minute(i)),
    };
    const b = boundNotice(n);
    expect(bytes(b)).toBeLessThanOrEqual(MAX_NOTICE_BYTES);
    expect(b).toMatchObject({ users: [], usersTruncated: true, days: [], daysTruncated: true, minutesTruncated: true });
    expect(b.minutes.length).toBeGreaterThan(100);
    expect(b.minutes).toEqual(n.minutes.slice(-b.minutes.length));

    const fewMinutes = boundNotice({ ...n, minutes: [minute(0)] });
    expect(fewMinutes.days.length).toBeGreaterThan(100);
    expect(fewMinutes.days).toEqual(n.days.slice(-fewMinutes.days.length));
    expect(fewMinutes).toMatchObject({ daysTruncated: true, minutes: [minute(0)] });
    expect(fewMinutes.minutesTruncated).toBeUndefined();
  });

  it('still accepts notices without the new flags (from workers that predate them)', () => {
    expect(commitNoticeSchema.safeParse(base).success).toBe(true);
    expect(commitNoticeSchema.safeParse({ ...base, daysTruncated: 'yes' }).success).toBe(false);
  });
});

describe('buildCommitNotice', () => {
  const changes = { atMs: Date.UTC(2026, 0, 1), groupId: 'g', topic: 't', partition: 3, events: 5, invalid: 1, late: 2 };

  it('names the users in the order first changed, the days ascending and the window starts ascending, each once', () => {
    const n = buildCommitNotice({
      ...changes,
      userDays: [
        { userId: 'b', day: '2026-01-02' },
        { userId: 'a', day: '2026-01-01' },
        { userId: 'b', day: '2026-01-01' },
      ],
      windowStartsMs: [minute(2), minute(0), minute(2)].map((iso) => Date.parse(iso)),
    });
    expect(n).toEqual({
      ...base,
      at: '2026-01-01T00:00:00.000Z',
      partitions: [3],
      events: 5,
      invalid: 1,
      late: 2,
      users: ['b', 'a'],
      usersTruncated: false,
      days: ['2026-01-01', '2026-01-02'],
      minutes: [minute(0), minute(2)],
      minutesTruncated: false,
    });
    expect(commitNoticeSchema.safeParse(n).success).toBe(true);
  });

  it('keeps the first users and the latest window starts, flagging what it left out', () => {
    const n = buildCommitNotice({
      ...changes,
      userDays: Array.from({ length: MAX_NOTICE_USERS + 1 }, (_, i) => ({ userId: `u${i}`, day: day(0) })),
      windowStartsMs: Array.from({ length: MAX_NOTICE_MINUTES + 5 }, (_, i) => Date.parse(minute(MAX_NOTICE_MINUTES + 4 - i))),
    });
    expect(n.users).toEqual(Array.from({ length: MAX_NOTICE_USERS }, (_, i) => `u${i}`));
    expect(n.usersTruncated).toBe(true);
    expect(n.minutes).toEqual(Array.from({ length: MAX_NOTICE_MINUTES }, (_, i) => minute(i + 5)));
    expect(n.minutesTruncated).toBe(true);
  });
});
