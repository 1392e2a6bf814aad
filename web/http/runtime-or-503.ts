/** Route handlers that need the server's live services get them here, or answer 503. */
import { getRuntime, type WebRuntime } from '@/web/live/runtime';
import { jsonError } from './errors';

export function runtimeOr503(): { ok: true; runtime: WebRuntime } | { ok: false; response: Response } {
  const runtime = getRuntime();
  return runtime
    ? { ok: true, runtime }
    : { ok: false, response: jsonError(503, 'unavailable', 'the live services are not running (start the app with web/server.ts, not `next dev`)') };
}
