/**
 * What the custom server checks on every HTTP request before Next.js sees it (Socket.IO's own
 * handshake is checked in web/live/socket-server.ts with the same rules):
 * 1. the Host header is on the allow-list (web/security/host-allow-list.ts), else 421;
 * 2. with READ_TOKEN set, the request carries it (or ADMIN_TOKEN) as a bearer token or in the
 *    `clickstream_read` cookie, else 401. A page visit with `?token=<token>` sets that cookie and
 *    redirects to the same URL without the token (303), so it leaves the address bar and history.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '@/lib/config';
import { READ_COOKIE, READ_TOKEN_HELP, isReadToken, readAllowed, readTokenRequired } from '@/lib/access/read-access';
import { allowedHosts, hostAllowed, hostRefusedMessage } from '@/web/security/host-allow-list';
import type { ApiErrorBody } from './errors';
import type { EarlyAnswer } from './early-errors';

/** The cookie lives this long; visiting /?token= again renews it. */
const COOKIE_MAX_AGE_S = 30 * 86_400;

const json = (status: number, code: string, message: string, field?: string, headers: Record<string, string> = {}): EarlyAnswer => {
  const body: ApiErrorBody = { error: { code, message, ...(field === undefined ? {} : { field }) } };
  return { status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers }, body: JSON.stringify(body) };
};

const text = (status: number, message: string, headers: Record<string, string> = {}): EarlyAnswer => ({
  status,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  body: `${message}\n`,
});

function splitUrl(url: string | undefined): { pathname: string; params: URLSearchParams } {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return { pathname: q === -1 ? raw : raw.slice(0, q), params: new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)) };
}

export type AccessGate = (method: string | undefined, url: string | undefined, headers: IncomingHttpHeaders) => EarlyAnswer | undefined;

export function createAccessGate(cfg: Pick<Config, 'HOST' | 'PORT' | 'ALLOWED_HOSTS' | 'READ_TOKEN' | 'ADMIN_TOKEN'>): AccessGate {
  const hosts = allowedHosts(cfg.HOST, cfg.PORT, cfg.ALLOWED_HOSTS);
  const readRequired = readTokenRequired(cfg);
  return (method, url, headers) => {
    const { pathname, params } = splitUrl(url);
    const api = pathname === '/api' || pathname.startsWith('/api/');
    if (!hostAllowed(headers.host, hosts)) return json(421, 'host_not_allowed', hostRefusedMessage(headers.host), 'host');
    if (!readRequired) return undefined;

    const m = (method ?? '').toUpperCase();
    const offered = params.get('token');
    if (!api && (m === 'GET' || m === 'HEAD') && offered !== null) {
      if (!isReadToken(offered, cfg)) return text(401, `Unauthorized: the token in the address is not valid. ${READ_TOKEN_HELP}.`, { 'WWW-Authenticate': 'Bearer' });
      params.delete('token');
      const rest = params.toString();
      // Never `//host/...` (a redirect to another site); URL serialization percent-encodes the rest.
      const path = /^\/(?![/\\])/.test(pathname) ? new URL(pathname, 'http://localhost').pathname : '/';
      return {
        status: 303,
        headers: {
          Location: `${path}${rest ? `?${rest}` : ''}`,
          'Set-Cookie': `${READ_COOKIE}=${encodeURIComponent(offered)}; Path=/; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Lax`,
          'Cache-Control': 'no-store',
        },
        body: '',
      };
    }
    if (readAllowed({ authorization: headers.authorization, cookie: headers.cookie }, cfg)) return undefined;
    return api
      ? json(401, 'unauthorized', `authorization: ${READ_TOKEN_HELP}`, 'authorization', { 'WWW-Authenticate': 'Bearer' })
      : text(401, `Unauthorized. ${READ_TOKEN_HELP}.`, { 'WWW-Authenticate': 'Bearer' });
  };
}
