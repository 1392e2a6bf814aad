/**
 * Authorization for control actions: when ADMIN_TOKEN is set, the request must carry
 * `Authorization: Bearer <token>`. The comparison is constant-time (both sides are hashed first,
 * so neither the length nor a prefix leaks through timing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { jsonError } from './errors';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(header: string | null): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** undefined when allowed; otherwise the 401 to send. Never echoes the token. */
export function requireAdmin(request: Request, adminToken: string | undefined): Response | undefined {
  if (adminToken === undefined) return undefined;
  const given = bearerToken(request.headers.get('authorization'));
  if (given !== undefined && tokenMatches(given, adminToken)) return undefined;
  return jsonError(401, 'unauthorized', 'authorization: a valid "Authorization: Bearer <ADMIN_TOKEN>" header is required', 'authorization', {
    'WWW-Authenticate': 'Bearer',
  });
}
