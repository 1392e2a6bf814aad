/** Page searchParams (Next.js gives string | string[] | undefined) as a flat record of first values. */
import type { z } from 'zod';

export type RawSearchParams = Record<string, string | string[] | undefined>;

export function firstValues(params: RawSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined && first !== '') out[k] = first;
  }
  return out;
}

/** Parses page parameters; on failure returns the defaults (parsing {}) and a message naming the field. */
export function parsePageParams<S extends z.ZodType>(schema: S, params: RawSearchParams): { data: z.output<S>; problem: string | null } {
  const result = schema.safeParse(firstValues(params));
  if (result.success) return { data: result.data, problem: null };
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'query';
  return { data: schema.parse({}), problem: `${field}: ${issue?.message ?? 'is not valid'} — showing the defaults instead.` };
}
