import { describe, expect, it } from 'vitest';
import { formatDuration, formatDurationShort, formatPercent } from './format';

describe('formatting', () => {
  it('formats durations as h m s', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(59)).toBe('59s');
    expect(formatDuration(61)).toBe('1m 1s');
    expect(formatDuration(3725)).toBe('1h 2m 5s');
    expect(formatDuration(90_000)).toBe('25h 0m');
    expect(formatDurationShort(2280)).toBe('38m');
  });
  it('formats ratios as percentages', () => {
    expect(formatPercent(0.4567)).toBe('45.7%');
    expect(formatPercent(null)).toBe('—');
  });
});
