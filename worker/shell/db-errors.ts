/**
 * Telling database errors apart: those a retry may cure (connection lost, server restarting, lock
 * timeouts, a missing table until migrations run) from those caused by the data itself, which fail
 * the same way every time (SQLSTATE class 22, data exception: a value out of range, a bad date; class
 * 23, integrity constraint violation: a CHECK or NOT NULL constraint). Prisma's driver adapter keeps
 * PostgreSQL's SQLSTATE in meta.driverAdapterError.cause; node-postgres puts it in `code`.
 */

interface AdapterErrorShape {
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; originalMessage?: unknown } } };
}

/** PostgreSQL's five-character SQLSTATE of an error, when it has one. */
export function sqlState(err: unknown): string | undefined {
  const e = err as AdapterErrorShape | null;
  // A Prisma error's own `code` is Prisma's (P2010), not PostgreSQL's: read the driver's then.
  const code = e?.meta !== undefined ? e.meta.driverAdapterError?.cause?.originalCode : e?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** PostgreSQL's own message for an error, without the client's wrapping. */
export function databaseMessage(err: unknown): string {
  const e = err as AdapterErrorShape | null;
  const original = e?.meta?.driverAdapterError?.cause?.originalMessage;
  if (typeof original === 'string') return original;
  return err instanceof Error ? err.message : String(err);
}

/** True when the database refused the data itself: retrying the same rows can never succeed. */
export function isPermanentDataError(err: unknown): boolean {
  const state = sqlState(err);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}
