/**
 * JSON error responses. Every error the API returns has the same shape, names the field when the
 * input is at fault, and never carries a stack trace or a secret.
 */
export interface ApiErrorBody {
  error: {
    /** Machine-readable code, e.g. "invalid_parameter", "not_found". */
    code: string;
    message: string;
    /** The query parameter, path parameter or body field that is at fault. */
    field?: string;
  };
}

export function jsonError(status: number, code: string, message: string, field?: string, headers?: HeadersInit): Response {
  const body: ApiErrorBody = { error: { code, message, ...(field === undefined ? {} : { field }) } };
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

export const badRequest = (field: string, message: string) => jsonError(400, 'invalid_parameter', `${field}: ${message}`, field);
export const notFound = (message: string) => jsonError(404, 'not_found', message);

/** What an unexpected failure looks like from outside: a fixed message, details go to the log. */
export const unavailable = (what: string) => jsonError(503, 'unavailable', `${what} is not reachable right now; try again shortly`);

/** Route files export this for the methods they do not implement, so the answer is JSON too. */
export function methodNotAllowed(allowed: readonly string[]) {
  return (): Response => jsonError(405, 'method_not_allowed', `allowed methods: ${allowed.join(', ')}`, undefined, { Allow: allowed.join(', ') });
}
