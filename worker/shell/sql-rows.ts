/**
 * SQL helpers for the sink's set-based statements (INSERT ... SELECT FROM unnest(...)). Each column
 * goes as one PostgreSQL array literal in a single text parameter, built here in one pass: handing
 * the driver a JavaScript array instead makes Prisma check and pg escape every element, which showed
 * in the worker's profile (the server parses the same literal either way). Times travel as epoch
 * milliseconds and become timestamptz exactly in SQL (`MS`: integer milliseconds as an interval).
 */
import { Prisma } from '@/lib/db/generated/client';

/** A PostgreSQL array literal of strings, each quoted (with `\` and `"` escaped): `{"a","b"}`. */
export function textArray(values: readonly string[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as string;
    out += (i === 0 ? '"' : ',"') + (/["\\]/.test(v) ? v.replace(/["\\]/g, '\\$&') : v) + '"';
  }
  return `${out}}`;
}

/** A PostgreSQL array literal of finite numbers or booleans: `{1,2,3}`, `{true,false}`. */
export function valueArray(values: readonly (number | boolean)[]): string {
  for (const v of values) if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
  return `{${values.join(',')}}`;
}

/** A timestamptz from a column or expression holding epoch milliseconds. */
export function MS(expr: string): Prisma.Sql {
  if (!/^[a-z_]+$/.test(expr)) throw new Error(`not a column name: ${expr}`);
  return Prisma.raw(`(timestamptz 'epoch' + ${expr} * interval '1 millisecond')`);
}
