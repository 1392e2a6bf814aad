/**
 * Cross-site request refusal for state-changing requests. Browsers send `Origin` on every POST
 * (and `Sec-Fetch-Site` since 2020); a request that declares another origin is refused. Requests
 * with neither header (curl, scripts) are not browser-borne, so they pass and rely on ADMIN_TOKEN.
 */
import { originMatchesHost } from '@/web/security/origin';
import { jsonError } from './errors';

export function isSameOrigin(headers: Headers): boolean {
  const site = headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.get('origin');
  if (origin === null) return true;
  const host = headers.get('host');
  return host !== null && originMatchesHost(origin, host);
}

export function requireSameOrigin(request: Request): Response | undefined {
  return isSameOrigin(request.headers) ? undefined : jsonError(403, 'cross_origin', 'origin: state-changing requests from another origin are refused', 'origin');
}
