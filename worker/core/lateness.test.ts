import { describe, expect, it } from 'vitest';
import { isLate, lateReason } from './lateness';
import { advanceWatermark } from './watermark';

const s = { windowSizeMs: 60_000, allowedLatenessMs: 600_000, outOfOrdernessMs: 5_000 };
const t = (iso: string) => Date.parse(iso);

describe('watermark', () => {
  it('is the maximum event time minus the out-of-orderness bound and never goes back', () => {
    let w = advanceWatermark(null, t('2023-09-25T14:30:00Z'), s);
    expect(w).toBe(t('2023-09-25T14:29:55Z'));
    w = advanceWatermark(w, t('2023-09-25T14:20:00Z'), s);
    expect(w).toBe(t('2023-09-25T14:29:55Z'));
    w = advanceWatermark(w, t('2023-09-25T14:31:00Z'), s);
    expect(w).toBe(t('2023-09-25T14:30:55Z'));
  });
});

describe('lateness', () => {
  it('is never late before any watermark', () => {
    expect(isLate(0, null, s)).toBe(false);
  });
  it('is late exactly when window end + allowed lateness is at or before the watermark', () => {
    // Window [14:00, 14:01) ends 14:01; + 10 min = 14:11.
    const e = t('2023-09-25T14:00:30Z');
    expect(isLate(e, t('2023-09-25T14:10:59.999Z'), s)).toBe(false);
    expect(isLate(e, t('2023-09-25T14:11:00Z'), s)).toBe(true);
    expect(isLate(e, t('2023-09-25T15:00:00Z'), s)).toBe(true);
  });
  it('explains the decision', () => {
    expect(lateReason(t('2023-09-25T14:00:30Z'), t('2023-09-25T14:11:00Z'), s)).toMatch(/window ending 2023-09-25T14:01:00.000Z.*600000 ms.*watermark 2023-09-25T14:11:00.000Z/);
  });
});
