/**
 * One generator per event type, keyed by the registry's EventType: the mapped type below makes the
 * compiler demand a generator for every type, so adding a type is one registry entry (in
 * lib/events/schemas.ts) plus one entry here.
 *
 * A generator says three things about its type: how likely it is to come next in a session (the
 * funnel), how long a user dwells on it, and how to build the event (updating the session's state,
 * such as the cart, on the way).
 */
import type { ClickstreamEventOf, EventType } from '@/lib/events/schemas';
import type { Catalogue, Product } from './catalogue';
import { chance, pick, weightedChoice, type Random } from './distributions';
import type { UserProfile } from './population';

/** The state of one session as it moves through the funnel. */
export interface SessionState {
  sessionId: string;
  user: UserProfile;
  /** The previous event's type, null before the first one. */
  last: EventType | null;
  loggedIn: boolean;
  page: string;
  /** The product the user is looking at (on its page, or just clicked). */
  product: Product | null;
  cart: Product[];
  events: number;
  /** Set by an event that ends the session (logout). */
  ended: boolean;
}

export interface GeneratorContext {
  session: SessionState;
  random: Random;
  catalogue: Catalogue;
  /** ISO-8601 UTC, from the clock. */
  timestamp: string;
  /** Whole seconds, already drawn from the dwell distribution. */
  sessionDuration: number;
}

export interface EventGenerator<T extends EventType> {
  /** Relative likelihood that this type comes next, before the user's habits are applied; 0 = impossible. */
  weight(session: SessionState): number;
  /** Median and spread (log-normal sigma) of the seconds spent on this event. */
  dwell: { median: number; sigma: number };
  /** Builds the event (fields spelled out, no spreads: this runs up to 50,000 times a second). */
  build(ctx: GeneratorContext): ClickstreamEventOf<T>;
}

export type GeneratorRegistry = { [T in EventType]: EventGenerator<T> };

/** A product the user is likely to look at: mostly from their favourite categories. */
function browseProduct(ctx: GeneratorContext): Product {
  const { favouriteCategories } = ctx.session.user;
  const category = favouriteCategories.length > 0 && chance(ctx.random, 0.7) ? pick(ctx.random, favouriteCategories) : undefined;
  return ctx.catalogue.pickProduct(ctx.random, category);
}

/** A weight by the previous event's type; types not listed (such as one added later) get 0.05. */
function after(last: EventType, weights: Partial<Record<EventType, number>>): number {
  return weights[last] ?? 0.05;
}

// Funnel weights by the previous event's type, and the other fixed tables: module constants, because
// the per-event path must not allocate them (50,000 events/s).
const PAGE_VIEW_AFTER: Partial<Record<EventType, number>> = { pageView: 0.25, click: 0.45, search: 0.35, addToCart: 0.3, removeFromCart: 0.4, purchase: 0.4, login: 0.9, logout: 0 };
const CLICK_AFTER: Partial<Record<EventType, number>> = { pageView: 0.45, click: 0.15, search: 0.5, addToCart: 0.15, removeFromCart: 0.2, purchase: 0.1, login: 0.05, logout: 0 };
const SEARCH_AFTER: Partial<Record<EventType, number>> = { pageView: 0.12, click: 0.05, search: 0.1, addToCart: 0.05, removeFromCart: 0.1, purchase: 0.05, login: 0.1, logout: 0 };
const LANDING = [['home', 3], ['category', 2], ['product', 2]] as const;
const NEXT_PAGE = [['home', 1], ['category', 3], ['product', 4], ['cart', 1]] as const;
const NEXT_PAGE_EMPTY_CART = [['home', 1], ['category', 3], ['product', 4]] as const;
const CLICK_TARGETS = [['product', 6], ['link', 2], ['button', 1.5], ['banner', 0.5]] as const;

const productPage = (p: Product) => `/product/${p.productId}`;
const categoryPage = (category: string) => `/category/${encodeURIComponent(category.toLowerCase())}`;
const onProductPage = (s: SessionState) => s.product !== null && s.page === productPage(s.product);

export const generators: GeneratorRegistry = {
  pageView: {
    weight: (s) =>
      s.last === null ? 1 : after(s.last, PAGE_VIEW_AFTER),
    dwell: { median: 25, sigma: 1.1 },
    build(ctx) {
      const s = ctx.session;
      // After a product click, the product's page loads; otherwise home, a category or a product.
      if (s.last === 'click' && s.product) {
        s.page = productPage(s.product);
      } else {
        const where = weightedChoice(ctx.random, s.last === null ? LANDING : s.cart.length > 0 ? NEXT_PAGE : NEXT_PAGE_EMPTY_CART);
        s.product = null;
        if (where === 'home') s.page = '/';
        else if (where === 'cart') s.page = '/cart';
        else if (where === 'category') s.page = categoryPage(pick(ctx.random, s.user.favouriteCategories.length > 0 ? s.user.favouriteCategories : ctx.catalogue.categories));
        else {
          s.product = browseProduct(ctx);
          s.page = productPage(s.product);
        }
      }
      return s.product
        ? { timestamp: ctx.timestamp, userId: ctx.session.user.userId, eventType: 'pageView', productId: s.product.productId, sessionDuration: ctx.sessionDuration, sessionId: s.sessionId, page: s.page }
        : { timestamp: ctx.timestamp, userId: ctx.session.user.userId, eventType: 'pageView', sessionDuration: ctx.sessionDuration, sessionId: s.sessionId, page: s.page };
    },
  },

  click: {
    weight: (s) =>
      s.last === null ? 0 : after(s.last, CLICK_AFTER),
    dwell: { median: 4, sigma: 0.8 },
    build(ctx) {
      const s = ctx.session;
      const target = weightedChoice(ctx.random, CLICK_TARGETS);
      if (target === 'product') {
        s.product = browseProduct(ctx);
        return { timestamp: ctx.timestamp, userId: ctx.session.user.userId, eventType: 'click', productId: s.product.productId, sessionDuration: ctx.sessionDuration, sessionId: ctx.session.sessionId, target, page: s.page };
      }
      s.product = null;
      return { timestamp: ctx.timestamp, userId: ctx.session.user.userId, eventType: 'click', sessionDuration: ctx.sessionDuration, sessionId: ctx.session.sessionId, target, page: s.page };
    },
  },

  search: {
    weight: (s) =>
      s.last === null ? 0 : after(s.last, SEARCH_AFTER),
    dwell: { median: 8, sigma: 0.7 },
    build(ctx) {
      const s = ctx.session;
      const words = 1 + Math.floor(ctx.random() * 2);
      const searchQuery = Array.from({ length: words }, () => pick(ctx.random, ctx.catalogue.searchTerms)).join(' ');
      s.page = `/search?q=${encodeURIComponent(searchQuery)}`;
      s.product = null;
      return { timestamp: ctx.timestamp, userId: ctx.session.user.userId, eventType: 'search', sessionDuration: ctx.sessionDuration, sessionId: ctx.session.sessionId, page: s.page, searchQuery };
    },
  },

  addToCart: {
    // Only from a product: on its page, or straight from a product click.
    weight: (s) => (onProductPage(s) ? 0.1 : s.last === 'click' && s.product ? 0.06 : 0),
    dwell: { median: 6, sigma: 0.6 },
    build(ctx) {
      const s = ctx.session;
      const product = s.product ?? browseProduct(ctx);
      s.cart.push(product);
      return { timestamp: ctx.timestamp, userId: ctx.session.user.userId, eventType: 'addToCart', productId: product.productId, sessionDuration: ctx.sessionDuration, sessionId: ctx.session.sessionId, page: s.page };
    },
  },

  removeFromCart: {
    weight: (s) => (s.cart.length === 0 ? 0 : s.last === 'addToCart' ? 0.1 : 0.05),
    dwell: { median: 5, sigma: 0.6 },
    build(ctx) {
      const s = ctx.session;
      const i = Math.floor(ctx.random() * s.cart.length);
      const [product] = s.cart.splice(i, 1);
      s.page = '/cart';
      return { timestamp: ctx.timestamp, userId: ctx.session.user.userId, eventType: 'removeFromCart', productId: (product as Product).productId, sessionDuration: ctx.sessionDuration, sessionId: ctx.session.sessionId, page: s.page };
    },
  },

  purchase: {
    // A checkout buys every item in the cart, one purchase event per product.
    weight: (s) => (s.cart.length === 0 ? 0 : s.last === 'purchase' ? 1000 : s.last === 'addToCart' ? 0.03 : 0.01),
    dwell: { median: 45, sigma: 0.7 },
    build(ctx) {
      const s = ctx.session;
      const product = s.cart.shift() as Product;
      s.page = '/checkout';
      s.product = null;
      return { timestamp: ctx.timestamp, userId: ctx.session.user.userId, eventType: 'purchase', productId: product.productId, sessionDuration: ctx.sessionDuration, sessionId: ctx.session.sessionId, page: s.page, amount: product.price };
    },
  },

  login: {
    weight: (s) => (s.loggedIn ? 0 : s.last === null ? s.user.loginPropensity * 2 : 0.03),
    dwell: { median: 12, sigma: 0.5 },
    build(ctx) {
      const s = ctx.session;
      s.loggedIn = true;
      s.page = '/login';
      return { timestamp: ctx.timestamp, userId: ctx.session.user.userId, eventType: 'login', sessionDuration: ctx.sessionDuration, sessionId: ctx.session.sessionId, page: s.page };
    },
  },

  logout: {
    weight: (s) => (!s.loggedIn || s.last === null ? 0 : s.last === 'purchase' ? 0.25 : 0.04),
    dwell: { median: 2, sigma: 0.5 },
    build(ctx) {
      const s = ctx.session;
      s.loggedIn = false;
      s.ended = true;
      return { timestamp: ctx.timestamp, userId: ctx.session.user.userId, eventType: 'logout', sessionDuration: ctx.sessionDuration, sessionId: ctx.session.sessionId, page: s.page };
    },
  },
};
