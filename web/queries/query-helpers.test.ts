import { describe, expect, it } from 'vitest';
import { prefixPattern } from './db';
import { addDays, daysInRange, isValidDay } from '@/lib/days';
import { decodeCursor, encodeCursor } from '@/web/queries/users/users-cursor';

describe('query helpers', () => {
  it('escapes LIKE wildcards in a prefix', () => {
    expect(prefixPattern('user_1%')).toBe('user\\_1\\%%');
  });
  it('does UTC day arithmetic', () => {
    expect(isValidDay('2024-02-29')).toBe(true);
    expect(isValidDay('2023-02-29')).toBe(false);
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysInRange('2024-01-01', '2024-12-31')).toBe(366);
  });
  it('round-trips cursors and refuses forged ones', () => {
    const c = { sort: 'ctr' as const, order: 'desc' as const, key: 0.1 + 0.2, userId: 'user-1', direction: 'next' as const };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor(encodeCursor({ ...c, direction: 'prev' }))?.direction).toBe('prev');
    expect(decodeCursor(encodeCursor({ ...c, sort: 'userId', key: 'user-1' }))?.key).toBe('user-1');
    expect(decodeCursor(encodeCursor({ ...c, sort: 'mostCommonEvent', key: 'click' }))?.key).toBe('click');
    expect(decodeCursor(Buffer.from(JSON.stringify({ s: 'mostCommonEvent', o: 'asc', k: 5, u: 'x' })).toString('base64url'))).toBeUndefined();
    // Cursors from before paging backwards existed read forwards.
    expect(decodeCursor(Buffer.from(JSON.stringify({ s: 'ctr', o: 'asc', k: 1, u: 'x' })).toString('base64url'))?.direction).toBe('next');
    expect(decodeCursor(Buffer.from(JSON.stringify({ s: 'userId', o: 'asc', k: 5, u: 'x' })).toString('base64url'))).toBeUndefined();
    expect(decodeCursor(Buffer.from(JSON.stringify({ s: 'ctr', o: 'asc', k: 1, u: "x'; drop" })).toString('base64url'))).toBeUndefined();
    expect(decodeCursor('not base64 !')).toBeUndefined();
  });
});
