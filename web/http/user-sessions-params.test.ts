import { describe, expect, it } from 'vitest';
import { MAX_SESSIONS_LIMIT, userSessionPathSchema, userSessionsParamsSchema } from './user-sessions-params';

const parse = (q: string) => userSessionsParamsSchema.safeParse(Object.fromEntries(new URLSearchParams(q)));
const fieldOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => (r.success ? undefined : r.error?.issues[0]?.path[0]);

describe('userSessionsParamsSchema', () => {
  it('defaults to the last 7 days, 50 sessions', () => {
    const r = parse('');
    expect(r.success && r.data.limit).toBe(50);
    expect(r.success && r.data.range.to).toBe(new Date().toISOString().slice(0, 10));
    expect(r.success && r.data.beforeMs).toBeUndefined();
  });
  it(`accepts limit up to ${MAX_SESSIONS_LIMIT} and a before instant`, () => {
    expect(parse(`limit=${MAX_SESSIONS_LIMIT}&before=1714564800000`).data).toMatchObject({ limit: MAX_SESSIONS_LIMIT, beforeMs: 1714564800000 });
  });
  it.each([
    ['limit=0', 'limit'],
    [`limit=${MAX_SESSIONS_LIMIT + 1}`, 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=ten', 'limit'],
    ['before=2024-05-01T00:00:00Z', 'before'],
    ['before=-5', 'before'],
    ['from=2024-02-01&to=2024-01-01', 'from'],
    ['from=2023-01-01&to=2024-12-31', 'to'],
    ['day=2024-02-30', 'day'],
  ])('%s is refused naming %s', (q, field) => {
    expect(fieldOf(parse(q))).toBe(field);
  });
});

describe('userSessionPathSchema', () => {
  it('takes the start as epoch milliseconds', () => {
    expect(userSessionPathSchema.parse({ userId: 'u-1', start: '1714564800123' })).toEqual({ userId: 'u-1', start: 1714564800123 });
  });
  it.each([
    [{ userId: 'u-1', start: '2024-05-01T00:00:00Z' }, 'start'],
    [{ userId: 'u-1', start: '1e12' }, 'start'],
    [{ userId: 'u-1', start: '99999999999999999' }, 'start'],
    [{ userId: 'u-1', start: '' }, 'start'],
    [{ userId: '<x>', start: '1714564800000' }, 'userId'],
  ])('%o is refused naming %s', (input, field) => {
    expect(fieldOf(userSessionPathSchema.safeParse(input))).toBe(field);
  });
});
