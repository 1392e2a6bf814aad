/**
 * Keeps a user's sessions list live. The list starts as the server rendered it (a range's newest
 * sessions); each `user:update` carries the user's newest sessions (UserLiveSnapshot.sessions). A
 * session is keyed by its start; while open it can grow (same start, new figures), absorb a newer
 * neighbour (that row disappears) or be absorbed by an older one (its row disappears, the older
 * one's grows). The snapshot holds every session from its oldest row on, so a listed session that
 * starts at or after that row and is not in the snapshot no longer exists.
 */
import type { DayRange } from '@/lib/days';
import type { UserSessionRow } from '@/lib/contracts/dashboard';

export function mergeLiveSessions(list: readonly UserSessionRow[], live: readonly UserSessionRow[], range: DayRange): UserSessionRow[] {
  if (live.length === 0) return [...list];
  const covered = Math.min(...live.map((s) => s.startMs));
  const byStart = new Map<number, UserSessionRow>();
  for (const s of list) if (s.startMs < covered) byStart.set(s.startMs, s);
  for (const s of live) if (s.day >= range.from && s.day <= range.to) byStart.set(s.startMs, s);
  return [...byStart.values()].sort((a, b) => b.startMs - a.startMs);
}
