/**
 * Socket.IO on the web server's HTTP server: typed events, rooms joined through `subscribe`
 * (validated with zod, at most 8 rooms per socket), a snapshot sent to the subscriber at once, and
 * connections from other origins refused. There are no control events over Socket.IO: control goes
 * through POST /api/simulation (token, same-origin and rate checks in one place).
 */
import type http from 'node:http';
import { Server } from 'socket.io';
import type { Logger } from '@/lib/log';
import type { LiveServer } from './publisher';
import type { SharedLoader } from './shared-loader';
import { roomSchema } from '@/lib/contracts/socket-events';
import { originMatchesHost } from '@/web/security/origin';
import type { OverviewSnapshot, UserLiveSnapshot } from '@/lib/contracts/dashboard';
import type { PipelineStatus } from '@/lib/contracts/pipeline-status';

const MAX_ROOMS_PER_SOCKET = 8;

export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true; // not a browser
  return host !== undefined && originMatchesHost(origin, host);
}

export interface SocketServerOptions {
  log: Logger;
  overview: SharedLoader<OverviewSnapshot>;
  pipeline: SharedLoader<PipelineStatus>;
  user: (userId: string) => Promise<UserLiveSnapshot>;
}

export function createSocketServer(httpServer: http.Server, o: SocketServerOptions): LiveServer {
  const io: LiveServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 16 * 1024,
    allowRequest: (req, callback) => callback(null, originAllowed(req.headers.origin, req.headers.host)),
  });

  io.on('connection', (socket) => {
    socket.data.rooms = 0;
    socket.on('subscribe', (room, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      const parsed = roomSchema.safeParse(room);
      if (!parsed.success) return reply({ ok: false, error: 'room: must be "overview", "pipeline" or "user:<userId>"' });
      const name = parsed.data;
      if (!socket.rooms.has(name)) {
        if (socket.data.rooms >= MAX_ROOMS_PER_SOCKET) return reply({ ok: false, error: `room: at most ${MAX_ROOMS_PER_SOCKET} rooms per connection` });
        socket.data.rooms += 1;
        void socket.join(name);
      }
      reply({ ok: true });
      const send = async () => {
        if (name === 'overview') socket.emit('overview:update', await o.overview.get());
        else if (name === 'pipeline') socket.emit('pipeline:update', await o.pipeline.get());
        else socket.emit('user:update', await o.user(name.slice(5)));
      };
      send().catch((err: unknown) => o.log.warn({ err: err instanceof Error ? err.message : String(err), room: name }, 'could not send a snapshot'));
    });
    socket.on('unsubscribe', (room) => {
      if (typeof room !== 'string' || !socket.rooms.has(room) || room === socket.id) return;
      socket.data.rooms -= 1;
      void socket.leave(room);
    });
  });
  return io;
}
