/**
 * The one origin check, for HTTP requests (web/http/same-origin.ts) and Socket.IO connections
 * (web/live/socket-server.ts): does a browser's `Origin` name the host the request was sent to?
 */
export function originMatchesHost(origin: string, host: string): boolean {
  if (origin === 'null') return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
