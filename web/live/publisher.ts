/**
 * Turns commit notices into pushes. A notice marks what it touched as stale: the overview, the
 * pipeline, and the rooms of the users it names (all watched users when the list was truncated).
 * A coalescer then re-queries only the stale rooms that someone is in (all stale user rooms in one
 * batch: the same few statements for one room or a thousand) and emits to them, at most once per
 * LIVE_PUSH_INTERVAL_MS (250 ms by default) per kind of room (overview, pipeline, users), so a slow
 * overview query does not delay a user's update. A timer also refreshes the pipeline every second and the overview every 5 s
 * (rates and "last 5 minutes" move with the clock, and lag grows while the worker is down).
 */
import type { Server } from 'socket.io';
import type { Logger } from '@/lib/log';
import type { CommitNotice } from '@/lib/contracts/commit-notice';
import { createCoalescer } from './coalescer';
import type { SharedLoader } from './shared-loader';
import { userRoom, type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData } from '@/lib/contracts/socket-events';
import type { OverviewSnapshot, UserLiveSnapshot } from '@/lib/contracts/dashboard';
import type { PipelineStatus } from '@/lib/contracts/pipeline-status';

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface Publisher {
  notice(n: CommitNotice): void;
  /** Everything may have changed (e.g. the listener reconnected after missing notices). */
  refreshAll(): void;
  pipelineChanged(): void;
  close(): void;
}

export interface PublisherOptions {
  io: LiveServer;
  log: Logger;
  overview: SharedLoader<OverviewSnapshot>;
  pipeline: SharedLoader<PipelineStatus>;
  /** The snapshots of the given users, in one batch (a fixed number of queries whatever their number). */
  users: (userIds: readonly string[]) => Promise<Map<string, UserLiveSnapshot>>;
  /** Pushes of each kind of room at most this often (LIVE_PUSH_INTERVAL_MS). */
  intervalMs: number;
}

export function createPublisher(o: PublisherOptions): Publisher {
  let overviewStale = false;
  let pipelineStale = false;
  let allUsersStale = false;
  const staleUsers = new Set<string>();

  const members = (room: string) => o.io.sockets.adapter.rooms.get(room)?.size ?? 0;
  const watchedUsers = () => [...o.io.sockets.adapter.rooms.keys()].filter((r) => r.startsWith('user:')).map((r) => r.slice(5));

  const onError = (err: unknown) => o.log.error({ err }, 'live update failed');
  // One coalescer per kind of room, so a slow overview query never holds back a user's update.
  const overviewPush = createCoalescer(
    async () => {
      if (!overviewStale) return;
      overviewStale = false;
      if (members('overview') > 0) o.io.to('overview').emit('overview:update', await o.overview.refresh());
    },
    o.intervalMs,
    onError,
  );
  const pipelinePush = createCoalescer(
    async () => {
      if (!pipelineStale) return;
      pipelineStale = false;
      if (members('pipeline') > 0) o.io.to('pipeline').emit('pipeline:update', await o.pipeline.refresh());
    },
    o.intervalMs,
    onError,
  );
  const usersPush = createCoalescer(
    async () => {
      const users = allUsersStale ? watchedUsers() : [...staleUsers].filter((u) => members(userRoom(u)) > 0);
      allUsersStale = false;
      staleUsers.clear();
      if (users.length === 0) return;
      const snapshots = await o.users(users);
      for (const [userId, snapshot] of snapshots) o.io.to(userRoom(userId)).emit('user:update', snapshot);
    },
    o.intervalMs,
    onError,
  );
  const requestAll = () => {
    overviewPush.request();
    pipelinePush.request();
    usersPush.request();
  };

  let ticks = 0;
  const timer = setInterval(() => {
    ticks += 1;
    pipelineStale = true;
    pipelinePush.request();
    if (ticks % 5 === 0) {
      overviewStale = true;
      overviewPush.request();
    }
  }, 1000);
  timer.unref();

  return {
    notice(n) {
      overviewStale = true;
      pipelineStale = true;
      if (n.usersTruncated) allUsersStale = true;
      for (const u of n.users) staleUsers.add(u);
      requestAll();
    },
    refreshAll() {
      overviewStale = true;
      pipelineStale = true;
      allUsersStale = true;
      requestAll();
    },
    pipelineChanged() {
      pipelineStale = true;
      pipelinePush.request();
    },
    close() {
      clearInterval(timer);
      overviewPush.close();
      pipelinePush.close();
      usersPush.close();
    },
  };
}
