/**
 * Every route handler runs inside `withErrors`: input problems are answered by the handler itself
 * (400/401/403/404/429); anything else that escapes is logged and answered with a JSON 503/500 that
 * reveals nothing about the cause.
 */
import { logger } from '@/lib/log';
import { jsonError, unavailable } from './errors';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P03', '08006', '08001', '08003']);

function isConnectionProblem(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' && /connect|connection|timeout|terminat/i.test(message);
}

/** `handler` may answer synchronously; a throw from it is caught the same way as a rejection. */
export function withErrors<A extends unknown[]>(name: string, handler: (...args: A) => Response | Promise<Response>): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (err) {
      logger('api').error({ err, route: name }, 'request failed');
      return isConnectionProblem(err) ? unavailable('the database') : jsonError(500, 'internal', 'internal error');
    }
  };
}
