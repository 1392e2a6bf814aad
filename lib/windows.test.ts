import { describe, expect, it } from 'vitest';
import { dayOf } from '@/lib/days';
import { windowEnd, windowStart } from './windows';

describe('tumbling windows', () => {
  const minute = 60_000;
  it('aligns windows to the epoch', () => {
    const t = Date.parse('2023-09-25T14:30:59.999Z');
    expect(windowStart(t, minute)).toBe(Date.parse('2023-09-25T14:30:00Z'));
    expect(windowEnd(t, minute)).toBe(Date.parse('2023-09-25T14:31:00Z'));
    expect(windowStart(Date.parse('2023-09-25T14:31:00Z'), minute)).toBe(Date.parse('2023-09-25T14:31:00Z'));
  });
  it('supports other sizes', () => {
    expect(windowStart(Date.parse('2023-09-25T14:37:12Z'), 5 * minute)).toBe(Date.parse('2023-09-25T14:35:00Z'));
  });
  it('puts events in their UTC day', () => {
    expect(dayOf(Date.parse('2023-09-25T23:59:59.999Z'))).toBe('2023-09-25');
    expect(dayOf(Date.parse('2023-09-26T00:00:00Z'))).toBe('2023-09-26');
  });
});
