/** One session of a user by its key (userId, start), with where its events are in Kafka; null when there is none. */
import type { UserSessionRow } from '@/lib/contracts/dashboard';
import { prisma } from '@/web/queries/db';
import { SESSION_COLUMNS, toSessionRow, type RawSessionRow } from './session-rows';

export interface StoredSession {
  session: UserSessionRow;
  partition: number;
  /** The lowest and highest Kafka offset of the session's events (decimal strings). */
  firstOffset: string;
  lastOffset: string;
}

export async function userSession(userId: string, startMs: number): Promise<StoredSession | null> {
  const rows = await prisma().$queryRaw<RawSessionRow[]>`
    SELECT ${SESSION_COLUMNS} FROM user_session s WHERE s.user_id = ${userId} AND s.start_at = ${new Date(startMs)}`;
  const r = rows[0];
  return r ? { session: toSessionRow(r), partition: r.partition, firstOffset: r.first_offset, lastOffset: r.last_offset } : null;
}
