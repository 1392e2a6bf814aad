/**
 * Requests the custom server answers itself, before Next.js sees them, because Next.js would
 * answer them with a bare 500 or an empty 400/HTML page instead of the API's JSON error:
 * - a path that is not valid percent-encoding (`/api/users/%zz/daily`; Next.js throws a URIError);
 * - an /api request with a method no route handler can have (TRACE, PROPFIND, …; Next.js throws);
 * - `/api` itself, which the `/api/[...path]` catch-all does not match;
 * - a session page whose start is not epoch milliseconds (`/users/u1/sessions/yesterday`): the
 *   address is bad, which an App Router page cannot answer with a 400.
 * Everything else goes to Next.js unchanged.
 */
import type { ApiErrorBody } from './errors';
import { userIdParam } from './params';
import { userSessionPathSchema } from './user-sessions-params';

/** The methods a Next.js route handler can export. */
export const ROUTE_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const ROUTE_METHOD_SET = new Set<string>(ROUTE_METHODS);

export interface EarlyAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const json = (status: number, code: string, message: string, field?: string, headers: Record<string, string> = {}): EarlyAnswer => {
  const body: ApiErrorBody = { error: { code, message, ...(field === undefined ? {} : { field }) } };
  return { status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers }, body: JSON.stringify(body) };
};

function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

const SESSION_PAGE = /^\/users\/([^/]+)\/sessions\/([^/]*)\/?$/;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A 400 page for a session address with a valid user and a malformed start; undefined otherwise (Next.js answers, 404 for a bad user). */
function badSessionAddress(pathname: string): EarlyAnswer | undefined {
  const m = SESSION_PAGE.exec(pathname);
  if (!m) return undefined;
  const userId = decodeURIComponent(m[1] as string);
  const start = decodeURIComponent(m[2] as string);
  if (!userIdParam.safeParse(userId).success) return undefined;
  const parsed = userSessionPathSchema.shape.start.safeParse(start);
  if (parsed.success) return undefined;
  const problem = `start: ${parsed.error.issues[0]?.message ?? 'is not valid'} (got “${start.slice(0, 40)}”).`;
  const userHref = `/users/${encodeURIComponent(userId)}`;
  const body = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Bad session address</title></head>',
    '<body><main data-testid="bad-session"><h1>Bad session address</h1>',
    `<p role="alert">${escapeHtml(problem)}</p>`,
    `<p>A session's address ends with its start as epoch milliseconds; the sessions list on the <a href="${escapeHtml(userHref)}">user's page</a> links to each.</p>`,
    '</main></body></html>',
    '',
  ].join('\n');
  return { status: 400, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, body };
}

/** The answer for a request Next.js would mishandle, or undefined to hand it to Next.js. */
export function earlyAnswer(method: string | undefined, url: string | undefined): EarlyAnswer | undefined {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  const pathname = q === -1 ? raw : raw.slice(0, q);
  const api = pathname === '/api' || pathname.startsWith('/api/');
  if (!decodable(pathname)) {
    if (api) return json(400, 'invalid_parameter', 'path: is not valid percent-encoding', 'path');
    return { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: 'Bad request: the path is not valid percent-encoding\n' };
  }
  if (!api) return badSessionAddress(pathname);
  if (!ROUTE_METHOD_SET.has((method ?? '').toUpperCase())) {
    return json(405, 'method_not_allowed', `method: ${String(method).slice(0, 20)} is not supported`, 'method', { Allow: ROUTE_METHODS.join(', ') });
  }
  if (pathname === '/api') return json(404, 'not_found', 'no such API endpoint');
  return undefined;
}
