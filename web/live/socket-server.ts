/**
 * Socket.IO on the web server's HTTP server: typed events, rooms joined through `subscribe`
 * (validated with zod, at most 8 rooms per socket), a snapshot sent to the subscriber at once, and
 * the handshake refused (403) for a Host not on the allow-list or another origin
 * (web/security/handshake.ts), and, with READ_TOKEN set, a connection without the token (handshake
 * `auth: {token}`, `Authorization: Bearer`, or the `clickstream_read` cookie) refused with a
 * connect_error naming READ_TOKEN. There are no control events over Socket.IO: control goes
 * through POST /api/simulation (token, same-origin and rate checks in one place).
 */
import type http from 'node:http';
import { Server } from 'socket.io';
import type { Logger } from '@/lib/log';
import type { LiveServer } from './publisher';
import type { SharedLoader } from './shared-loader';
import { roomSchema } from '@/lib/contracts/socket-events';
import { handshakeRefusal } from '@/web/security/handshake';
import type { HostEntry } from '@/web/security/host-allow-list';
import { READ_TOKEN_HELP, readAllowed, readTokenRequired, type ReadTokens } from '@/lib/access/read-access';
import type { OverviewSnapshot, UserLiveSnapshot } from '@/lib/contracts/dashboard';
import type { PipelineStatus } from '@/lib/contracts/pipeline-status';

const MAX_ROOMS_PER_SOCKET = 8;

export interface SocketServerOptions {
  log: Logger;
  overview: SharedLoader<OverviewSnapshot>;
  pipeline: SharedLoader<PipelineStatus>;
  user: (userId: string) => Promise<UserLiveSnapshot>;
  /** The Host allow-list (web/security/host-allow-list.ts), read at each handshake. */
  allowedHosts: () => readonly HostEntry[];
  /** READ_TOKEN and ADMIN_TOKEN: with READ_TOKEN set, a connection needs one of them. */
  readTokens: ReadTokens;
}

export function createSocketServer(httpServer: http.Server, o: SocketServerOptions): LiveServer {
  const io: LiveServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 16 * 1024,
    allowRequest: (req, callback) => {
      const refusal = handshakeRefusal(req.headers.origin, req.headers.host, o.allowedHosts());
      callback(refusal ?? null, refusal === undefined);
    },
  });
  if (readTokenRequired(o.readTokens)) {
    io.use((socket, next) => {
      const { headers, auth } = socket.handshake;
      const token: unknown = (auth as Record<string, unknown> | undefined)?.token;
      if (readAllowed({ authorization: headers.authorization, cookie: headers.cookie, token }, o.readTokens)) return next();
      next(new Error(`unauthorized: ${READ_TOKEN_HELP}, or connect with auth: {token: <READ_TOKEN>}`));
    });
  }

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
