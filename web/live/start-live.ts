/**
 * Wires the live side of the web server: the runtime shared with the route handlers, Socket.IO,
 * the LISTEN bridge, the publisher, the raw-event relay and the session events reader. `close()` stops them in reverse order
 * and is safe to call twice.
 */
import type http from 'node:http';
import type { Kafka } from 'kafkajs';
import type { Config } from '@/lib/config';
import { createRateLimiter } from './rate-limit';
import type { Logger } from '@/lib/log';
import type { SimulatorControl } from '@/lib/contracts/simulator-control';
import type { CommitNotice } from '@/lib/contracts/commit-notice';
import { startCommitListener } from './commit-listener';
import { startEventRelay } from './event-relay';
import { overviewSnapshot } from './overview-snapshot';
import { pipelineStatus } from './pipeline-status';
import { createPublisher, type LiveServer } from './publisher';
import { createRateSampler } from './rate-sampler';
import { processedTotal } from '@/web/queries/pipeline/processed-total';
import { createRecentEvents } from './recent-events';
import { setRuntime, type WebRuntime } from './runtime';
import { sharedLoader } from './shared-loader';
import { createSessionEventsReader } from './session-events-reader';
import { createSimulationController } from './simulation-controller';
import { createSocketServer } from './socket-server';
import { userRoom } from '@/lib/contracts/socket-events';
import { createTopicOffsetsReader } from './topic-offsets';
import { createRedisSinkStatusReader } from './redis-sink-status';
import { allowedHosts, type HostEntry } from '@/web/security/host-allow-list';
import { userLiveSnapshot, usersLiveSnapshots } from './user-snapshot';

export interface Live {
  runtime: WebRuntime;
  io: LiveServer;
  close(): Promise<void>;
}

export interface LiveOptions {
  httpServer: http.Server;
  cfg: Config;
  kafka: Kafka;
  simulator: SimulatorControl;
  log: Logger;
  /** The raw-event relay consumer (on by default). */
  relay?: boolean;
}

function boundPort(server: http.Server): number | undefined {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : undefined;
}

export function startLive(o: LiveOptions): Live {
  const { cfg, log } = o;
  let lastNotice: CommitNotice | null = null;
  const offsets = createTopicOffsetsReader(o.kafka, cfg.TOPIC_EVENTS);
  const recent = createRecentEvents();
  const sessionEvents = createSessionEventsReader({ kafka: o.kafka, cfg, log: log.child({ part: 'session-events' }), offsets });
  const simulation = createSimulationController(o.simulator, { rate: cfg.SIMULATOR_RATE, users: cfg.SIMULATOR_USERS });

  const sampler = createRateSampler(() => processedTotal(cfg.TOPIC_EVENTS));
  const overview = sharedLoader(() => overviewSnapshot(cfg.WINDOW_SIZE_MS, Date.now(), sampler.rate()), 400);
  const redisSink = cfg.SINKS.includes('redis') ? createRedisSinkStatusReader(cfg, log.child({ part: 'redis-sink' })) : undefined;
  const loadPipeline = () => pipelineStatus({ cfg, simulatorStatus: () => simulation.status(), offsets, lastNotice: () => lastNotice, redisSink });
  const pipeline = sharedLoader(loadPipeline, 400);
  const user = (userId: string) => userLiveSnapshot(userId);

  // The Host allow-list on the port actually bound (a test's server listens on port 0), once known.
  let hosts: HostEntry[] | undefined;
  const hostList = () => (hosts ??= allowedHosts(cfg.HOST, boundPort(o.httpServer) ?? cfg.PORT, cfg.ALLOWED_HOSTS));
  const io = createSocketServer(o.httpServer, { log, overview, pipeline, user, allowedHosts: hostList, readTokens: cfg });
  const publisher = createPublisher({ io, log, overview, pipeline, users: (ids) => usersLiveSnapshots(ids), intervalMs: cfg.LIVE_PUSH_INTERVAL_MS });

  const listener = startCommitListener({
    databaseUrl: cfg.DATABASE_URL,
    log: log.child({ part: 'listener' }),
    onNotice: (n) => {
      if (n.groupId !== cfg.WORKER_GROUP_ID || n.topic !== cfg.TOPIC_EVENTS) return;
      lastNotice = n;
      publisher.notice(n);
    },
    onReconnect: () => publisher.refreshAll(),
  });

  const relay =
    o.relay === false
      ? undefined
      : startEventRelay({
          kafka: o.kafka,
          cfg,
          log: log.child({ part: 'relay' }),
          recent,
          watched: (userId) => (io.sockets.adapter.rooms.get(userRoom(userId))?.size ?? 0) > 0,
          emit: (event) => void io.to(userRoom(event.userId)).emit('user:event', event),
        });

  const runtime: WebRuntime = {
    cfg,
    simulation,
    offsets,
    recent,
    sessionEvents,
    controlLimiter: createRateLimiter(20, 2), // per client address: a burst of 20, then 2 a second
    eventsPerSecond: () => sampler.rate(),
    lastNotice: () => lastNotice,
    pipelineStatus: loadPipeline,
    sharedOverview: () => overview.get(),
    sharedPipelineStatus: () => pipeline.get(),
    simulatorChanged: () => publisher.pipelineChanged(),
    listenerConnected: () => listener.connected,
  };
  setRuntime(runtime);

  let closing: Promise<void> | undefined;
  return {
    runtime,
    io,
    close() {
      closing ??= (async () => {
        publisher.close();
        sampler.close();
        await new Promise<void>((resolve) => {
          void io.close(() => resolve());
        });
        await Promise.allSettled([listener.close(), relay?.close(), sessionEvents.close()]);
        await offsets.close();
        await redisSink?.close();
        setRuntime(undefined);
      })();
      return closing;
    },
  };
}
