/**
 * The Socket.IO contract, shared by the server (web/live/socket-web/server.ts) and the browser
 * (components/live/socket.ts). Clients join rooms with `subscribe`; the server answers with a fresh
 * snapshot for that room at once (so a reconnect catches up) and then pushes updates after each
 * worker commit (coalesced, at most one per kind of room every LIVE_PUSH_INTERVAL_MS, 250 ms by
 * default) and on a timer for the pipeline.
 *
 * Rooms: `overview` (the overview page), `pipeline` (simulator and worker status, every header),
 * `user:<userId>` (one user's page).
 */
import { z } from 'zod';
import { USER_ID_PATTERN } from '@/lib/events/schemas';
import type { OverviewSnapshot, RecentEvent, UserLiveSnapshot } from './dashboard';
import type { PipelineStatus } from './pipeline-status';

export const roomSchema = z.union([
  z.literal('overview'),
  z.literal('pipeline'),
  z.string().regex(/^user:.{1,128}$/).refine((r) => USER_ID_PATTERN.test(r.slice(5)), 'userId is not valid'),
]);
export type Room = 'overview' | 'pipeline' | `user:${string}`;

export const userRoom = (userId: string): Room => `user:${userId}`;

export type SubscribeAck = { ok: true } | { ok: false; error: string };

export interface ServerToClientEvents {
  /** Overview KPIs, per-minute chart, top users and event distribution. Room `overview`. */
  'overview:update': (snapshot: OverviewSnapshot) => void;
  /** Simulator, worker counters, lag and last commit. Room `pipeline`. */
  'pipeline:update': (status: PipelineStatus) => void;
  /** A user's today totals and per-minute series after a commit. Room `user:<id>`. */
  'user:update': (snapshot: UserLiveSnapshot) => void;
  /** A raw event of the user as it arrives on Kafka (before aggregation). Room `user:<id>`. */
  'user:event': (event: RecentEvent) => void;
}

export interface ClientToServerEvents {
  subscribe: (room: string, ack?: (result: SubscribeAck) => void) => void;
  unsubscribe: (room: string) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface InterServerEvents {}

export interface SocketData {
  rooms: number;
}
