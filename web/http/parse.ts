/**
 * zod parsing at the HTTP boundary: query strings, path parameters and JSON bodies. A failure
 * becomes a 400 whose message and `field` name the parameter at fault.
 */
import type { z } from 'zod';
import { badRequest, jsonError } from './errors';

export type Parsed<T> = { ok: true; data: T } | { ok: false; response: Response };

/** The largest JSON body any endpoint accepts. */
export const MAX_BODY_BYTES = 16 * 1024;

function failure(error: z.ZodError, fallbackField: string): Response {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : fallbackField;
  return badRequest(field, issue?.message ?? 'is not valid');
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, fallbackField: string): Parsed<z.output<S>> {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, data: result.data } : { ok: false, response: failure(result.error, fallbackField) };
}

/**
 * Query parameters as an object of strings. A parameter given twice is refused (it would be
 * ambiguous), and so is an unknown one when the schema is strict.
 */
export function parseQuery<S extends z.ZodType>(schema: S, url: string | URL): Parsed<z.output<S>> {
  const params = new URL(url).searchParams;
  const raw: Record<string, string> = {};
  for (const [key, value] of params) {
    if (Object.hasOwn(raw, key)) return { ok: false, response: badRequest(key, 'must be given at most once') };
    raw[key] = value;
  }
  return parseWith(schema, raw, 'query');
}

/** A JSON body: must be declared as JSON, at most MAX_BODY_BYTES, valid JSON, and match the schema. */
export async function parseJsonBody<S extends z.ZodType>(schema: S, request: Request): Promise<Parsed<z.output<S>>> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return { ok: false, response: jsonError(415, 'unsupported_media_type', 'body: must be application/json', 'body') };
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) return { ok: false, response: jsonError(413, 'too_large', `body: must be at most ${MAX_BODY_BYTES} bytes`, 'body') };
  let text: string;
  try {
    text = await request.text();
  } catch {
    return { ok: false, response: badRequest('body', 'could not be read') };
  }
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { ok: false, response: jsonError(413, 'too_large', `body: must be at most ${MAX_BODY_BYTES} bytes`, 'body') };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, response: badRequest('body', 'is not valid JSON') };
  }
  return parseWith(schema, value, 'body');
}
