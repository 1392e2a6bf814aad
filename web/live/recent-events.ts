import type { RecentEvent } from '@/lib/contracts/dashboard';
/**
 * A small in-memory memory of each user's latest raw events, for the first render of a user page
 * (live ones then arrive over Socket.IO). Bounded twice: at most `perUser` events per user, and at
 * most `maxUsers` users, evicting the user seen least recently (a Map keeps insertion order, and a
 * user is re-inserted on each event).
 */

export interface RecentEvents {
  add(event: RecentEvent): void;
  /** Newest first. */
  of(userId: string): RecentEvent[];
  readonly users: number;
}

export function createRecentEvents(perUser = 20, maxUsers = 5000): RecentEvents {
  const byUser = new Map<string, RecentEvent[]>();
  return {
    add(event) {
      const list = byUser.get(event.userId) ?? [];
      byUser.delete(event.userId);
      list.unshift(event);
      if (list.length > perUser) list.length = perUser;
      byUser.set(event.userId, list);
      if (byUser.size > maxUsers) {
        const oldest = byUser.keys().next();
        if (!oldest.done) byUser.delete(oldest.value);
      }
    },
    of(userId) {
      return [...(byUser.get(userId) ?? [])];
    },
    get users() {
      return byUser.size;
    },
  };
}
