/**
 * Every route handler runs inside `withErrors`: input problems are answered by the handler itself
 * (400/401/403/404/429); a statement cancelled by WEB_STATEMENT_TIMEOUT_MS is a 503 `query_timeout`
 * saying so; anything else that escapes is logged and answered with a JSON 503/500 that reveals
 * nothing about the cause.
 */
import { logger } from '@/lib/log';
import { jsonError, unavailable } from './errors';

/** PostgreSQL's query_canceled: here, a statement that ran past WEB_STATEMENT_TIMEOUT_MS. */
const STATEMENT_TIMEOUT = '57014';

/** The PostgreSQL error code of a failed query, as the driver adapter reports it inside Prisma's error. */
function postgresCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const cause = (err as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } } }).meta?.driverAdapterError?.cause;
  const code = cause?.originalCode ?? cause?.code ?? (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

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
      if (postgresCode(err) === STATEMENT_TIMEOUT) {
        logger('api').warn({ route: name }, 'a query ran past WEB_STATEMENT_TIMEOUT_MS and was cancelled');
        return jsonError(503, 'query_timeout', 'the query took longer than the server allows (WEB_STATEMENT_TIMEOUT_MS); narrow the date range or try again when the database is less busy');
      }
      logger('api').error({ err, route: name }, 'request failed');
      return isConnectionProblem(err) ? unavailable('the database') : jsonError(500, 'internal', 'internal error');
    }
  };
}
