import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatDurationShort, formatPercent, formatRatio, formatTimeMs, formatVisitDuration } from './format';

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
  it('formats ratios that are not shares with two decimals', () => {
    expect(formatRatio(1.2345)).toBe('1.23');
    expect(formatRatio(2)).toBe('2.00');
    expect(formatRatio(null)).toBe('—');
  });
  it('formats visit durations with a decimal under a minute', () => {
    expect(formatVisitDuration(0)).toBe('0s');
    expect(formatVisitDuration(1.5)).toBe('1.5s');
    expect(formatVisitDuration(59.94)).toBe('59.9s');
    expect(formatVisitDuration(59.96)).toBe('1m 0s');
    expect(formatVisitDuration(93.4)).toBe('1m 33s');
    expect(formatVisitDuration(null)).toBe('—');
  });
  it('formats instants in UTC', () => {
    expect(formatDateTime('2026-12-01T14:05:09.250Z')).toBe('2026-12-01 14:05:09');
    expect(formatTimeMs('2026-12-01T14:05:09.250Z')).toBe('14:05:09.250');
  });
});
