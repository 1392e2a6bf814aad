/**
 * The clickstream event types: one zod schema per type in a registry, with the TypeScript types
 * inferred from it. This is the only place to add an event type (plus its generator in
 * simulator/generators.ts).
 */
import { z } from 'zod';
import { isEventTimeInRange, MAX_EVENT_DAY, MIN_EVENT_DAY, parseTimestamp } from './timestamp';

/** A type error that says "is required" when the field is missing, so the reason reads right. */
const typeError = (expected: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : expected);

/** userIds are what the API and URLs accept too: 1-128 characters from this set. */
export const USER_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
const userIdSchema = z
  .string({ error: typeError('must be a string') })
  .regex(USER_ID_PATTERN, 'must be 1-128 characters of letters, digits, ".", "_", ":", "@" or "-"');

/** The schemas' limits, shared with their fast path (fast-validate.ts). String lengths are in UTF-16 code units, as zod counts them. */
export const LIMITS = { idLength: 128, pageLength: 2048, searchQueryLength: 512, sessionDurationSeconds: 86_400, amount: 1e9 } as const;

/** What a click may name as its target. */
export const CLICK_TARGETS = ['product', 'link', 'button', 'banner'] as const;

const id = () =>
  z
    .string({ error: typeError('must be a string') })
    .min(1, 'must not be empty')
    .max(LIMITS.idLength, `must be at most ${LIMITS.idLength} characters`);

const base = z.object({
  timestamp: z
    .string({ error: typeError('must be an ISO-8601 string') })
    .refine((t) => parseTimestamp(t) !== undefined, { error: 'must be an ISO-8601 date-time such as 2023-09-25T14:30:00Z', abort: true })
    .refine((t) => isEventTimeInRange(parseTimestamp(t) as number), `must be on a day from ${MIN_EVENT_DAY} to ${MAX_EVENT_DAY} (UTC)`),
  userId: userIdSchema,
  sessionDuration: z
    .number({ error: typeError('must be a number of seconds') })
    .int('must be whole seconds')
    .min(0, 'must not be negative')
    .max(LIMITS.sessionDurationSeconds, `must be at most ${LIMITS.sessionDurationSeconds} seconds`),
  sessionId: id().optional(),
  page: z.string({ error: 'must be a string' }).max(LIMITS.pageLength, `must be at most ${LIMITS.pageLength} characters`).optional(),
  productId: id().optional(),
});

const withProduct = base.extend({ productId: id() });

export const eventSchemas = {
  pageView: base.extend({ eventType: z.literal('pageView') }),
  click: base
    .extend({
      eventType: z.literal('click'),
      /** What was clicked; a click on a product must name it. */
      target: z.enum(CLICK_TARGETS).optional(),
    })
    .refine((e) => e.target !== 'product' || e.productId !== undefined, { path: ['productId'], message: 'is required on a click on a product' }),
  search: base.extend({ eventType: z.literal('search'), searchQuery: z.string({ error: 'must be a string' }).max(LIMITS.searchQueryLength, `must be at most ${LIMITS.searchQueryLength} characters`).optional() }),
  addToCart: withProduct.extend({ eventType: z.literal('addToCart') }),
  removeFromCart: withProduct.extend({ eventType: z.literal('removeFromCart') }),
  purchase: withProduct.extend({
    eventType: z.literal('purchase'),
    amount: z.number({ error: 'must be a number' }).nonnegative('must not be negative').max(LIMITS.amount, 'must be at most 1e9').optional(),
  }),
  login: base.extend({ eventType: z.literal('login') }),
  logout: base.extend({ eventType: z.literal('logout') }),
} as const;

export type EventType = keyof typeof eventSchemas;
export const EVENT_TYPES = Object.keys(eventSchemas).sort() as EventType[];

/** An event as it travels on the wire (JSON in Kafka), by type. */
export type ClickstreamEventOf<T extends EventType> = z.infer<(typeof eventSchemas)[T]>;
export type ClickstreamEvent = { [T in EventType]: ClickstreamEventOf<T> }[EventType];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(eventSchemas, value);
}
