/**
 * The Socket.IO handshake's checks, the same as HTTP's (web/http/access-gate.ts and
 * web/http/same-origin.ts): the Host is on the allow-list, and a browser's Origin names that host.
 * Returns the refusal's message (sent with a 403), or undefined to accept.
 */
import { originMatchesHost } from './origin';
import { hostAllowed, hostRefusedMessage, type HostEntry } from './host-allow-list';

export function handshakeRefusal(origin: string | undefined, host: string | undefined, allowed: readonly HostEntry[]): string | undefined {
  if (!hostAllowed(host, allowed)) return hostRefusedMessage(host);
  if (origin !== undefined && (host === undefined || !originMatchesHost(origin, host))) return 'origin: connections from another origin are refused';
  return undefined;
}
