/**
 * Seeded randomness and the distributions the simulator draws from. Pure: no I/O, no global state,
 * no Math.random, so a seed replays exactly. Kept apart from the generators (as umami's seed scripts
 * do) so the shapes can be tested on their own.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: a tiny, fast 32-bit PRNG. Statistically good enough for synthetic traffic and, unlike
 * faker's Mersenne Twister, cheap enough to call a few times per event at 50,000 events/s.
 */
export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seed for an independent sub-stream (catalogue, population, sessions…), so adding draws to one
 * part of the simulator does not shift every other part's sequence.
 */
export function deriveSeed(seed: number, stream: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < stream.length; i++) {
    h = Math.imul(h ^ stream.charCodeAt(i), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
  }
  return Math.imul(h ^ (h >>> 16), 0xc2b2ae35) >>> 0;
}

/** An integer in [min, max], both included. */
export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

export function pick<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pick from an empty list');
  return items[Math.floor(random() * items.length)] as T;
}

/** One of the items, each with probability proportional to its (non-negative) weight. */
export function weightedChoice<T>(random: Random, entries: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of entries) total += w > 0 ? w : 0;
  if (total <= 0) throw new RangeError('weightedChoice needs at least one positive weight');
  let r = random() * total;
  for (const [item, w] of entries) {
    if (w <= 0) continue;
    r -= w;
    if (r < 0) return item;
  }
  // Floating-point leftovers land on the last positive entry.
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as readonly [T, number];
    if (entry[1] > 0) return entry[0];
  }
  throw new RangeError('unreachable');
}

/** A standard normal draw (Box-Muller; one of the pair is discarded to stay stateless). */
function standardNormal(random: Random): number {
  const u = 1 - random(); // (0, 1]: log(0) would be -Infinity
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Log-normal with the given median: right-skewed like real dwell times (most visits short, a long
 * tail of long ones). sigma ≈ 1 gives a mean about 1.65 × the median.
 */
export function logNormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * standardNormal(random));
}

/** A log-normal draw rounded to a whole number and clamped to [min, max]. */
export function skewedInt(random: Random, opts: { median: number; sigma: number; min: number; max: number }): number {
  const x = Math.round(logNormal(random, opts.median, opts.sigma));
  return Math.min(opts.max, Math.max(opts.min, x));
}
