import { describe, expect, it } from 'vitest';
import type { UserLiveSnapshot } from '@/lib/contracts/dashboard';
import type { CommitNotice } from '@/lib/contracts/commit-notice';
import { logger } from '@/lib/log';
import { waitFor } from '@/lib/wait';
import { createPublisher, type LiveServer } from './publisher';
import type { SharedLoader } from './shared-loader';

/** Just what the publisher reads of a Socket.IO server: its rooms and `to(room).emit`. */
function fakeServer(rooms: string[]) {
  const emitted: { room: string; event: string; payload: unknown }[] = [];
  const io = {
    sockets: { adapter: { rooms: new Map(rooms.map((r) => [r, new Set(['socket'])])) } },
    to: (room: string) => ({ emit: (event: string, payload: unknown) => emitted.push({ room, event, payload }) }),
  };
  return { io: io as unknown as LiveServer, emitted };
}

const loader = <T>(value: T): SharedLoader<T> => ({ refresh: () => Promise.resolve(value), get: () => Promise.resolve(value) });

const notice = (users: string[], usersTruncated = false): CommitNotice => ({
  at: new Date().toISOString(), groupId: 'g', topic: 't', partitions: [0], events: users.length, invalid: 0, late: 0, users, usersTruncated, days: [], minutes: [],
});

const snapshot = (userId: string): UserLiveSnapshot => ({ userId, at: '', today: null, minutes: [], sessions: [] });

describe('publisher: user rooms', () => {
  it('serves every stale watched user room of a flush with one batch, whatever the number of rooms', async () => {
    const watched = Array.from({ length: 300 }, (_, i) => `u${i}`);
    const { io, emitted } = fakeServer(['overview', ...watched.map((u) => `user:${u}`)]);
    const batches: string[][] = [];
    const publisher = createPublisher({
      io, log: logger('test'), overview: loader({}) as never, pipeline: loader({}) as never, intervalMs: 50,
      users: (ids) => {
        batches.push([...ids]);
        return Promise.resolve(new Map(ids.map((id) => [id, snapshot(id)])));
      },
    });
    try {
      // Two notices in one coalescing window, naming watched users and one nobody watches.
      publisher.notice(notice([...watched.slice(0, 200), 'unwatched']));
      publisher.notice(notice(watched.slice(150)));
      await waitFor(() => Promise.resolve(batches.length > 0 && emitted.filter((e) => e.event === 'user:update').length >= 300), 5_000, 10);
      expect(batches).toHaveLength(1);
      expect([...(batches[0] ?? [])].sort()).toEqual([...watched].sort());
      const updates = emitted.filter((e) => e.event === 'user:update');
      expect(updates.map((e) => e.room).sort()).toEqual(watched.map((u) => `user:${u}`).sort());
      expect(updates.every((e) => (e.payload as UserLiveSnapshot).userId === e.room.slice(5))).toBe(true);

      // A truncated notice refreshes every watched room, again in one batch.
      publisher.notice(notice([], true));
      await waitFor(() => Promise.resolve(batches.length > 1), 5_000, 10);
      expect(batches).toHaveLength(2);
      expect(batches[1]).toHaveLength(300);
    } finally {
      publisher.close();
    }
  });
});
