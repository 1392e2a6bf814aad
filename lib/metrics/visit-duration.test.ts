import { describe, expect, it } from 'vitest';
import { visitDurationMs, visitDurationSeconds } from './visit-duration';

const at = (iso: string) => Date.parse(iso);

describe('visit duration: last event time − first event time', () => {
  it('is in seconds, with a fraction for milliseconds', () => {
    expect(visitDurationSeconds(at('2024-05-01T10:00:00Z'), at('2024-05-01T10:12:30Z'))).toBe(750);
    expect(visitDurationSeconds(at('2024-05-01T10:00:00.000Z'), at('2024-05-01T10:00:01.500Z'))).toBe(1.5);
    expect(visitDurationMs(at('2024-05-01T10:00:00.000Z'), at('2024-05-01T10:00:01.500Z'))).toBe(1500);
  });
  it('is 0 for a one-event session', () => {
    expect(visitDurationSeconds(at('2024-05-01T10:00:00Z'), at('2024-05-01T10:00:00Z'))).toBe(0);
  });
  it('crosses midnight like any other instant', () => {
    expect(visitDurationSeconds(at('2024-05-01T23:59:00Z'), at('2024-05-02T00:01:00Z'))).toBe(120);
  });
});
