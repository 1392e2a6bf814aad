/**
 * Strict ISO-8601 date-times for event timestamps. Without an offset a timestamp means UTC (the
 * seed event `2023-09-25T14:30:00` is 14:30 UTC); with `Z` or `±hh:mm` it is converted to UTC.
 * Impossible dates such as February 31st are rejected instead of rolling over.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The last text parsed and its result: validation checks a timestamp and then converts it, so the
 * same string is parsed twice in a row for every event; this makes the second time free.
 */
let last: { text: string; value: number | undefined } = { text: '', value: undefined };

/** Epoch milliseconds in UTC, or undefined when the text is not a valid ISO-8601 date-time. */
export function parseTimestamp(text: string): number | undefined {
  if (text === last.text) return last.value;
  const value = parse(text);
  last = { text, value };
  return value;
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ`'s separators by position: the form Date.prototype.toISOString writes. */
const CANONICAL_SEPARATORS: readonly [number, number][] = [[4, 0x2d], [7, 0x2d], [10, 0x54], [13, 0x3a], [16, 0x3a], [19, 0x2e], [23, 0x5a]];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written at text[from, to), or NaN when a character there is not a digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The canonical form, read by character codes (the regex, its captures and a Date cost about a
 * microsecond per event, issue 15); null when the text is not in that form (or its year is below
 * 100, which Date.UTC would read as 19xx), so the general parse decides. Its results equal the
 * general parse's (timestamp.test.ts).
 */
function parseCanonical(text: string): number | undefined | null {
  if (text.length !== 24) return null;
  for (const [at, code] of CANONICAL_SEPARATORS) if (text.charCodeAt(at) !== code) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hour = digits(text, 11, 13);
  const minute = digits(text, 14, 16);
  const second = digits(text, 17, 19);
  const ms = digits(text, 20, 23);
  // NaN fails every comparison, so a non-digit falls through to the general parse too.
  if (!(year >= 100 && month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59 && ms >= 0)) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

function parse(text: string): number | undefined {
  const canonical = parseCanonical(text);
  if (canonical !== null) return canonical;
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = offsetMinutes(zone);
  if (offset === undefined) return undefined;
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear takes the year as written.
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3))));
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return undefined; // day 0, or past the end of the month
  return date.getTime() - offset * 60_000;
}

/** The zone's offset from UTC in minutes; undefined beyond ±18:00 (ISO-8601's and Java's range). */
function offsetMinutes(zone: string): number | undefined {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (minutes > 59 || hours * 60 + minutes > 18 * 60) return undefined;
  return sign * (hours * 60 + minutes);
}

/**
 * The days an event may fall on (UTC), shared with the API's day parameters: PostgreSQL has no year
 * 0 and the dashboard queries nothing before 1970, so an event outside them could be counted but
 * never shown, or refused by the database on every retry.
 */
export const MIN_EVENT_DAY = '1970-01-01';
export const MAX_EVENT_DAY = '9999-12-31';
const MIN_EVENT_MS = Date.parse(`${MIN_EVENT_DAY}T00:00:00Z`);
const MAX_EVENT_MS = Date.parse(`${MAX_EVENT_DAY}T23:59:59.999Z`);

/** True when an instant falls on a day events may have. */
export function isEventTimeInRange(epochMs: number): boolean {
  return epochMs >= MIN_EVENT_MS && epochMs <= MAX_EVENT_MS;
}
