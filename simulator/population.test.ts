import { describe, expect, it } from 'vitest';
import { createCatalogue } from './catalogue';
import { createRandom } from './distributions';
import { createPopulation, userIdFor } from './population';

describe('the catalogue', () => {
  it('is a faker catalogue, the same for a seed', () => {
    const a = createCatalogue(42);
    expect(createCatalogue(42).products).toEqual(a.products);
    expect(createCatalogue(43).products.map((p) => p.name)).not.toEqual(a.products.map((p) => p.name));
    expect(a.products).toHaveLength(200);
    expect(a.products[41]?.productId).toBe('product-0042');
    expect(a.categories.length).toBeGreaterThan(1);
    for (const p of a.products) expect(p.price).toBeGreaterThan(0);
  });

  it('favours popular products and can stay in a category', () => {
    const c = createCatalogue(1);
    const random = createRandom(1);
    const picks = Array.from({ length: 5000 }, () => c.pickProduct(random));
    const first = picks.filter((p) => p === c.products[0]).length;
    const hundredth = picks.filter((p) => p === c.products[99]).length;
    expect(first).toBeGreaterThan(hundredth * 5);
    const category = c.categories[0] as string;
    expect(Array.from({ length: 100 }, () => c.pickProduct(random, category).category).every((x) => x === category)).toBe(true);
  });
});

describe('the population', () => {
  const categories = ['Books', 'Garden', 'Toys'];

  it('has stable userIds and profiles for a seed, whatever order they are asked for in', () => {
    const a = createPopulation(42, 500, categories);
    const b = createPopulation(42, 500, categories);
    expect(a.user(41).userId).toBe('user-00042');
    expect(b.user(499)).toEqual(a.user(499));
    expect(b.user(41)).toEqual(a.user(41));
    expect(userIdFor(0, 2_000_000)).toBe('user-0000001');
  });

  it('gives each user a faker identity, stable for a seed', () => {
    const a = createPopulation(42, 500, categories);
    const b = createPopulation(42, 500, categories);
    b.identity(3);
    expect(b.identity(7)).toEqual(a.identity(7));
    expect(a.identity(7).email).toMatch(/@/);
    expect(a.identity(7).name).not.toBe(a.identity(8).name);
  });

  it('mixes personas and picks active users more often', () => {
    const p = createPopulation(3, 1000, categories);
    expect(new Set(Array.from({ length: 1000 }, (_, i) => p.user(i).persona)).size).toBeGreaterThanOrEqual(5);
    const random = createRandom(3);
    const hits = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const u = p.pickUserIndex(random);
      hits.set(u, (hits.get(u) ?? 0) + 1);
    }
    const sorted = [...hits.values()].sort((x, y) => y - x);
    expect(sorted[0]).toBeGreaterThan((sorted[sorted.length >> 1] as number) * 3);
  });
});
