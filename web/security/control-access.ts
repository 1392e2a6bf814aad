/**
 * Who may use control actions (start/stop the simulator): with ADMIN_TOKEN set, whoever sends it;
 * without it, anyone who can reach the server, which is acceptable only when it listens on a
 * loopback address. On any other HOST without ADMIN_TOKEN control is refused, and the start-up log
 * and every refusal say how to turn it on.
 */
import { isLoopbackHost } from './loopback';

export type ControlAccess = 'token' | 'open' | 'refused';

export function controlAccess(host: string, adminToken: string | undefined): ControlAccess {
  if (adminToken !== undefined) return 'token';
  return isLoopbackHost(host) ? 'open' : 'refused';
}

/** How to fix a refused control, in one sentence (the 403 body and the start-up warning). */
export function controlRefusedMessage(host: string): string {
  return (
    `control actions are refused: the server listens on HOST=${host}, which is not a loopback address, and ADMIN_TOKEN is not set; ` +
    'set ADMIN_TOKEN to a secret of 16+ characters (e.g. ADMIN_TOKEN=$(openssl rand -hex 24)) and restart, then send "Authorization: Bearer <ADMIN_TOKEN>"'
  );
}
