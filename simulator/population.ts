/**
 * The simulated users. Each has a stable userId (`user-00042`: the same index gives the same id for
 * every seed), a faker identity and habits drawn from a persona, so the most common event differs
 * from user to user (a searcher searches, a shopper fills carts, a browser reads pages).
 *
 * Profiles are computed on demand from (seed, index) instead of stored, so a population of a million
 * users costs a few megabytes and any user's profile is the same whichever order it is asked for in.
 */
import { Faker, base, en } from '@faker-js/faker';
import { EVENT_TYPES, type EventType } from '@/lib/events/schemas';
import { createRandom, deriveSeed, logNormal, pick, type Random } from './distributions';

export type Habits = Record<EventType, number>;

const PERSONAS = ['browser', 'clicker', 'searcher', 'shopper', 'buyer', 'regular'] as const;
export type Persona = (typeof PERSONAS)[number];

/** How strongly each persona favours each event type, on top of the funnel's own shape. */
const PERSONA_HABITS: Record<Persona, Partial<Habits>> = {
  browser: { pageView: 3 },
  clicker: { click: 4, pageView: 0.6 },
  searcher: { search: 8, pageView: 0.6 },
  shopper: { addToCart: 8, removeFromCart: 6, pageView: 0.5, purchase: 0.5 },
  buyer: { purchase: 4, addToCart: 6, search: 0.5, pageView: 0.5 },
  regular: { login: 6, logout: 6 },
};

export interface UserProfile {
  index: number;
  userId: string;
  persona: Persona;
  /** Multipliers on the funnel's transition weights, by event type. */
  habits: Habits;
  /** Categories this user mostly looks at. */
  favouriteCategories: readonly string[];
  /** Scales every dwell time: some people read slowly. */
  dwellFactor: number;
  /** Probability that a session starts with a login. */
  loginPropensity: number;
}

export interface Identity {
  userId: string;
  name: string;
  email: string;
  country: string;
}

export interface Population {
  size: number;
  user(index: number): UserProfile;
  /** The faker identity of a user (name, email, country); stable for a seed. */
  identity(index: number): Identity;
  /** A user index, more active users more often. */
  pickUserIndex(random: Random): number;
}

export function userIdFor(index: number, size: number): string {
  return `user-${String(index + 1).padStart(Math.max(5, String(size).length), '0')}`;
}

export function createPopulation(seed: number, size: number, categories: readonly string[]): Population {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`population size must be a positive integer, got ${size}`);
  const profileSeed = deriveSeed(seed, 'population');

  // Activity is heavy-tailed: a few users account for much of the traffic.
  const activityRandom = createRandom(deriveSeed(seed, 'activity'));
  const cumulative = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) cumulative[i] = sum += logNormal(activityRandom, 1, 1);

  const faker = new Faker({ locale: [en, base] });

  function user(index: number): UserProfile {
    const random = createRandom(deriveSeed(profileSeed, `user:${index}`));
    const persona = pick(random, PERSONAS);
    const habits = {} as Habits;
    for (const type of EVENT_TYPES) {
      habits[type] = (PERSONA_HABITS[persona][type] ?? 1) * logNormal(random, 1, 0.25);
    }
    const favourites = new Set<string>();
    const wanted = Math.min(categories.length, 1 + Math.floor(random() * 3));
    while (favourites.size < wanted) favourites.add(pick(random, categories));
    return {
      index,
      userId: userIdFor(index, size),
      persona,
      habits,
      favouriteCategories: [...favourites],
      dwellFactor: logNormal(random, 1, 0.35),
      loginPropensity: persona === 'regular' ? 0.8 : 0.1 + random() * 0.3,
    };
  }

  function identity(index: number): Identity {
    // Reseeding per user makes an identity independent of which users were asked for before.
    faker.seed(deriveSeed(seed, `identity:${index}`));
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    return {
      userId: userIdFor(index, size),
      name: `${firstName} ${lastName}`,
      email: faker.internet.email({ firstName, lastName }).toLowerCase(),
      country: faker.location.country(),
    };
  }

  function pickUserIndex(random: Random): number {
    const r = random() * sum;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  return { size, user, identity, pickUserIndex };
}
