/**
 * A faker-made product catalogue. Built once per seed (faker is too slow for the per-event path);
 * popularity follows a Zipf-like curve so a few products take most of the traffic, as in real shops.
 */
import { Faker, base, en } from '@faker-js/faker';
import { deriveSeed, type Random } from './distributions';

export interface Product {
  productId: string;
  name: string;
  category: string;
  /** Price in the shop's currency, two decimals. */
  price: number;
  /** Relative popularity weight (higher is viewed more often). */
  popularity: number;
}

export interface Catalogue {
  products: readonly Product[];
  categories: readonly string[];
  /** Lower-case words from product names and categories, for search queries. */
  searchTerms: readonly string[];
  /** A product by popularity, from `category` when given. */
  pickProduct(random: Random, category?: string): Product;
}

export const DEFAULT_CATALOGUE_SIZE = 200;

/** Cumulative weights for an O(log n) weighted draw. */
class WeightedIndex<T> {
  private readonly cumulative: number[] = [];
  constructor(private readonly items: readonly T[], weight: (item: T) => number) {
    let sum = 0;
    for (const item of items) this.cumulative.push((sum += weight(item)));
  }
  draw(random: Random): T {
    const total = this.cumulative[this.cumulative.length - 1] ?? 0;
    const r = random() * total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] as number) > r) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}

export function createCatalogue(seed: number, size = DEFAULT_CATALOGUE_SIZE): Catalogue {
  const faker = new Faker({ locale: [en, base], seed: deriveSeed(seed, 'catalogue') });
  const categoryCount = Math.max(1, Math.min(12, Math.ceil(size / 15)));
  const categories = [...new Set(Array.from({ length: categoryCount * 3 }, () => faker.commerce.department()))].slice(0, categoryCount);
  const width = Math.max(4, String(size).length);
  const products: Product[] = Array.from({ length: size }, (_, i) => ({
    productId: `product-${String(i + 1).padStart(width, '0')}`,
    name: faker.commerce.productName(),
    category: faker.helpers.arrayElement(categories),
    price: Number(faker.commerce.price({ min: 2, max: 900, dec: 2 })),
    // Zipf with s = 1: the k-th product is k times less popular than the first.
    popularity: 1 / (i + 1),
  }));

  const all = new WeightedIndex(products, (p) => p.popularity);
  const byCategory = new Map<string, WeightedIndex<Product>>();
  for (const category of categories) {
    const inCategory = products.filter((p) => p.category === category);
    if (inCategory.length > 0) byCategory.set(category, new WeightedIndex(inCategory, (p) => p.popularity));
  }
  const words = new Set<string>();
  for (const p of products) for (const w of p.name.toLowerCase().split(/\s+/)) if (w.length > 2) words.add(w);
  for (const c of categories) words.add(c.toLowerCase());

  return {
    products,
    categories,
    searchTerms: [...words].sort(),
    pickProduct: (random, category) => (category !== undefined ? (byCategory.get(category) ?? all) : all).draw(random),
  };
}
