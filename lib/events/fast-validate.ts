/**
 * The schemas' fast path. zod's parse cost about 4 of the decoder's 7.5 CPU-µs per event, more than
 * JSON.parse (issue 15, bench/decode.ts). For a value whose keys are all its type's own and whose
 * fields plainly pass the rules of schemas.ts, this returns that same value as the event, which is
 * what the schemas return for it; for anything else it returns undefined, and the schemas decide
 * and name the problem. It never rejects, so the schemas stay the one definition of a valid event:
 * fast-validate.test.ts checks, on generated values, that whenever this answers the schemas accept
 * the value and return the same event.
 */
import { isEventTimeInRange, parseTimestamp } from './timestamp';
import type { z } from 'zod';
import { CLICK_TARGETS, EVENT_TYPES, eventSchemas, LIMITS, USER_ID_PATTERN, type ClickstreamEvent, type EventType } from './schemas';

const isString = (v: unknown): v is string => typeof v === 'string';
const isId = (v: unknown) => isString(v) && v.length >= 1 && v.length <= LIMITS.idLength;
const targets: ReadonlySet<unknown> = new Set(CLICK_TARGETS);

/** A present field's rule, by name: the same rules as the schemas' (one name, one rule, whatever the type). */
const FIELD_RULES: Record<string, (v: unknown) => boolean> = {
  timestamp: (v) => {
    if (!isString(v)) return false;
    const ms = parseTimestamp(v);
    return ms !== undefined && isEventTimeInRange(ms);
  },
  userId: (v) => isString(v) && USER_ID_PATTERN.test(v),
  sessionDuration: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= LIMITS.sessionDurationSeconds,
  sessionId: isId,
  productId: isId,
  page: (v) => isString(v) && v.length <= LIMITS.pageLength,
  target: (v) => targets.has(v),
  searchQuery: (v) => isString(v) && v.length <= LIMITS.searchQueryLength,
  amount: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= LIMITS.amount,
};

interface Field {
  name: string;
  required: boolean;
  rule: (v: unknown) => boolean;
}

interface TypeFields {
  fields: readonly Field[];
  /** Every key the type's schema knows, eventType included. */
  names: ReadonlySet<string>;
}

/** A type's fields, read off its schema (a field the schema accepts as undefined is optional). eventType is checked by the caller. */
function fieldsOf(type: EventType): TypeFields {
  const shape: Record<string, z.ZodType> = eventSchemas[type].shape;
  const fields = Object.entries(shape)
    .filter(([name]) => name !== 'eventType')
    .map(([name, schema]): Field => {
      const rule = FIELD_RULES[name];
      if (rule === undefined) throw new Error(`lib/events/fast-validate.ts has no rule for the field ${name} of ${type}; add one`);
      return { name, required: !schema.safeParse(undefined).success, rule };
    });
  return { fields, names: new Set(Object.keys(shape)) };
}

const FIELDS = Object.fromEntries(EVENT_TYPES.map((type) => [type, fieldsOf(type)])) as Record<EventType, TypeFields>;

/**
 * The event, when `value` (a parsed JSON object whose eventType is `type`) plainly passes the
 * schemas; undefined when the schemas must decide: an unknown key (they would drop it), a missing
 * or doubtful field, a product click without a product.
 */
export function fastValidate(value: Readonly<Record<string, unknown>>, type: EventType): ClickstreamEvent | undefined {
  const { fields, names } = FIELDS[type];
  for (const key in value) if (!names.has(key)) return undefined;
  for (const f of fields) {
    const v = value[f.name];
    if (v === undefined ? f.required : !f.rule(v)) return undefined;
  }
  if (type === 'click' && value.target === 'product' && value.productId === undefined) return undefined;
  return value as ClickstreamEvent;
}
