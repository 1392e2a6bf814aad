import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, deriveSeed, intBetween, skewedInt, weightedChoice } from './distributions';

describe('distributions', () => {
  it('replays a seed and differs between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 10 }, createRandom(seed));
    expect(draw(1)).toEqual(draw(1));
    expect(draw(2)).not.toEqual(draw(1));
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(1, 'b'));
  });

  it('stays in [0, 1) and in the asked-for integer range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 100 }), (seed, min, span) => {
        const random = createRandom(seed);
        for (let i = 0; i < 50; i++) {
          const x = random();
          expect(x >= 0 && x < 1).toBe(true);
          const n = intBetween(random, min, min + span);
          expect(n >= min && n <= min + span && Number.isInteger(n)).toBe(true);
        }
      }),
    );
  });

  it('chooses in proportion to the weights and never picks a zero weight', () => {
    const random = createRandom(5);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i++) counts[weightedChoice(random, [['a', 1], ['b', 3], ['c', 0]] as const)] += 1;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
    expect(() => weightedChoice(random, [['a', 0]] as const)).toThrow(RangeError);
  });

  it('draws skewed whole numbers around the median, clamped', () => {
    const random = createRandom(9);
    const xs = Array.from({ length: 20_000 }, () => skewedInt(random, { median: 20, sigma: 1, min: 0, max: 500 })).sort((a, b) => a - b);
    expect(xs[10_000]).toBeGreaterThanOrEqual(18);
    expect(xs[10_000]).toBeLessThanOrEqual(22);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeGreaterThan(25); // mean above median: right skew
    expect(xs[0]).toBeGreaterThanOrEqual(0);
    expect(xs.at(-1)).toBeLessThanOrEqual(500);
  });
});
