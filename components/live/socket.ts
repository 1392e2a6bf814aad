'use client';
/**
 * The browser's one Socket.IO connection, typed with the shared contract, and the hooks that join
 * rooms. Rooms are reference-counted so several components can watch the same room; after a
 * reconnect (e.g. a server restart) every joined room is subscribed again and the server answers
 * with a fresh snapshot.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Room, ServerToClientEvents } from '@/lib/contracts/socket-events';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: LiveSocket | undefined;
const roomCounts = new Map<string, number>();

function liveSocket(): LiveSocket {
  if (!socket) {
    socket = io({ transports: ['websocket', 'polling'], reconnectionDelay: 500, reconnectionDelayMax: 3000 });
    socket.on('connect', () => {
      for (const room of roomCounts.keys()) socket?.emit('subscribe', room);
    });
  }
  return socket;
}

function join(room: Room) {
  const s = liveSocket();
  const n = roomCounts.get(room) ?? 0;
  roomCounts.set(room, n + 1);
  if (n === 0 && s.connected) s.emit('subscribe', room);
}

function leave(room: Room) {
  const n = roomCounts.get(room) ?? 0;
  if (n <= 1) {
    roomCounts.delete(room);
    if (socket?.connected) socket.emit('unsubscribe', room);
  } else roomCounts.set(room, n - 1);
}

type Handler<E extends keyof ServerToClientEvents> = ServerToClientEvents[E];

/** Joins `room` while mounted and calls `handler` for `event` (the latest handler is always used). */
export function useLiveEvent<E extends keyof ServerToClientEvents>(room: Room, event: E, handler: Handler<E>): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const s = liveSocket();
    const listener = ((...args: Parameters<Handler<E>>) => (latest.current as (...a: Parameters<Handler<E>>) => void)(...args)) as never;
    s.on(event, listener);
    join(room);
    return () => {
      s.off(event, listener);
      leave(room);
    };
  }, [room, event]);
}

const subscribeConnection = (onChange: () => void) => {
  const s = liveSocket();
  s.on('connect', onChange);
  s.on('disconnect', onChange);
  return () => {
    s.off('connect', onChange);
    s.off('disconnect', onChange);
  };
};

/** true while the live connection is up; false on the server and while reconnecting. */
export function useConnected(): boolean {
  return useSyncExternalStore(subscribeConnection, () => liveSocket().connected, () => false);
}
