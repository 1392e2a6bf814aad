/**
 * The read check shared by the web server (pages, /api, Socket.IO) and the worker's /metrics: with
 * READ_TOKEN unset everything is open; with it set, a request must carry READ_TOKEN or ADMIN_TOKEN
 * as `Authorization: Bearer <token>`, in the `clickstream_read` cookie (set by visiting a page with
 * `?token=<token>`), or, for Socket.IO, as the handshake's `auth.token`.
 */
import { bearerToken, tokenMatches } from './tokens';

/** The cookie a page visit with `?token=` sets; its value is the token, percent-encoded. */
export const READ_COOKIE = 'clickstream_read';

export interface ReadTokens {
  READ_TOKEN?: string | undefined;
  ADMIN_TOKEN?: string | undefined;
}

/** What a request offers as credentials; any of them may be missing. */
export interface ReadCredentials {
  authorization?: string | null | undefined;
  cookie?: string | null | undefined;
  /** Socket.IO's handshake `auth.token`, or a page's `?token=`. */
  token?: unknown;
}

export const readTokenRequired = (t: ReadTokens): boolean => t.READ_TOKEN !== undefined;

/** The value of one cookie in a Cookie header (percent-decoded), or undefined. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Whether `given` is READ_TOKEN or ADMIN_TOKEN (checking both, always, so timing says nothing). */
export function isReadToken(given: string, t: ReadTokens): boolean {
  const read = t.READ_TOKEN !== undefined && tokenMatches(given, t.READ_TOKEN);
  const admin = t.ADMIN_TOKEN !== undefined && tokenMatches(given, t.ADMIN_TOKEN);
  return read || admin;
}

/** true when reads are open (no READ_TOKEN) or one of the credentials is a valid token. */
export function readAllowed(c: ReadCredentials, t: ReadTokens): boolean {
  if (!readTokenRequired(t)) return true;
  const offered = [bearerToken(c.authorization), cookieValue(c.cookie, READ_COOKIE), typeof c.token === 'string' ? c.token : undefined];
  return offered.some((given) => given !== undefined && given.length > 0 && isReadToken(given, t));
}

/** The one sentence every refusal of a read says (HTTP 401 bodies, Socket.IO's connect_error, /metrics). */
export const READ_TOKEN_HELP =
  'READ_TOKEN is set on this server: send "Authorization: Bearer <READ_TOKEN>" (ADMIN_TOKEN also works), or open /?token=<READ_TOKEN> once in the browser to get a cookie';
