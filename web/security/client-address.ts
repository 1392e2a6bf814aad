/**
 * The header through which web/server.ts tells route handlers the client's remote address (the
 * per-client rate limits' key). The server always overwrites it, so a client cannot choose it.
 * Behind a reverse proxy every client has the proxy's address: X-Forwarded-For is not trusted.
 */
export const CLIENT_ADDRESS_HEADER = 'x-clickstream-client-address';

/** The key of a request's client; `unknown` when the server did not set one (tests calling handlers directly). */
export function clientKey(headers: Headers): string {
  return headers.get(CLIENT_ADDRESS_HEADER) ?? 'unknown';
}
