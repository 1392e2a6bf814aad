/**
 * Authorization for control actions (web/security/control-access.ts): when ADMIN_TOKEN is set,
 * the request must carry `Authorization: Bearer <token>` (compared in constant time); without it,
 * control is open on a loopback HOST and refused (403, naming ADMIN_TOKEN) on any other.
 */
import type { Config } from '@/lib/config';
import { bearerToken, tokenMatches } from '@/lib/access/tokens';
import { controlAccess, controlRefusedMessage } from '@/web/security/control-access';
import { jsonError } from './errors';

/** undefined when allowed; otherwise the 401/403 to send. Never echoes the token. */
export function requireAdmin(request: Request, cfg: Pick<Config, 'ADMIN_TOKEN' | 'HOST'>): Response | undefined {
  const access = controlAccess(cfg.HOST, cfg.ADMIN_TOKEN);
  if (access === 'open') return undefined;
  if (access === 'refused' || cfg.ADMIN_TOKEN === undefined) return jsonError(403, 'admin_token_required', controlRefusedMessage(cfg.HOST));
  const given = bearerToken(request.headers.get('authorization'));
  if (given !== undefined && tokenMatches(given, cfg.ADMIN_TOKEN)) return undefined;
  return jsonError(401, 'unauthorized', 'authorization: a valid "Authorization: Bearer <ADMIN_TOKEN>" header is required', 'authorization', {
    'WWW-Authenticate': 'Bearer',
  });
}
