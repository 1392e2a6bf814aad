/**
 * Scenario 4, end-to-end latency: event produced → aggregate committed by a worker → update
 * received by a Socket.IO client, at 2,000 and 10,000 events/s.
 *
 * The web server (web/server.ts) and one worker process follow a topic of this run. This process
 * produces the simulator's events (500 users, wall-clock timestamps) at the target rate, one send
 * in flight at a time, and takes each event's start time just before its send. Two latencies:
 * - committed: when PostgreSQL NOTIFYs a commit on `clickstream_commits`, this process reads each
 *   partition's committed next_offset; every produced event below it is committed (all events);
 * - Socket.IO: clients subscribe to the rooms of the most active users (`user:<id>`); a
 *   `user:update` whose today.eventCount went up by n delivers that user's next n events (a user's
 *   events share a partition, so they commit in order).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type Message, type PartitionerArgs } from 'kafkajs';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { commitNoticeSchema, COMMIT_CHANNEL } from '@/lib/contracts/commit-notice';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '@/lib/contracts/socket-events';
import { spawnTs, stopChild, tail } from '@/tooling/process/children';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';
import { committedCount, type BenchContext } from '@/bench/support/context';
import { busyPercent, machineCpu } from '@/bench/support/proc';
import type { Figure } from '@/bench/support/report';
import { fig, type Scenario } from '@/bench/support/scenario';
import { round, summarize, type LatencySummary } from '@/bench/support/stats';
import { sharedWebServer, type WebServer } from '@/bench/support/web';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Joins a room and waits for the server's answer. socket.io-client infers emitWithAck's result from
 * the event's last parameter, which it cannot do when the ack is optional (as in `subscribe`): it
 * says `any`, so the contract's SubscribeAck is asserted here.
 */
async function subscribe(socket: Client, room: string): Promise<SubscribeAck> {
  return (await socket.timeout(10_000).emitWithAck('subscribe', room)) as SubscribeAck;
}

const USERS = 500;
const ROOMS_PER_SOCKET = 8;
const TRACKED_USERS = 24;

interface Phase {
  rate: number;
  produced: number;
  producedPerSecond: number;
  committed: LatencySummary;
  socket: LatencySummary;
  commitToPush: LatencySummary;
  machineBusyPercent: number | null;
  incomplete: string | null;
}

interface Pending {
  offset: bigint;
  t0: number;
  /** For the tracked users' events: when this process saw it committed. */
  tracked?: Sent;
}

interface Sent {
  t0: number;
  committedAt?: number;
}

async function connectClients(web: WebServer, users: string[]): Promise<{ clients: Client[]; baseline: Map<string, number>; onUpdate: (fn: (userId: string, count: number, at: number) => void) => void }> {
  const clients: Client[] = [];
  const baseline = new Map<string, number>();
  let listener: ((userId: string, count: number, at: number) => void) | undefined;
  for (let i = 0; i < users.length; i += ROOMS_PER_SOCKET) {
    const socket: Client = io(web.url, { transports: ['websocket'], reconnection: false, timeout: 10_000 });
    clients.push(socket);
    socket.on('user:update', (s) => {
      const at = performance.now();
      const count = s.today?.eventCount ?? 0;
      if (!baseline.has(s.userId)) baseline.set(s.userId, count);
      else listener?.(s.userId, count, at);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(new Error(`Socket.IO: ${err.message}`)));
    });
    for (const u of users.slice(i, i + ROOMS_PER_SOCKET)) {
      const ack = await subscribe(socket, `user:${u}`);
      if (!ack.ok) throw new Error(`subscribe user:${u}: ${ack.error}`);
    }
  }
  // Every room answers a subscribe with a snapshot: that is each user's count before this phase.
  const deadline = Date.now() + 15_000;
  while (baseline.size < users.length && Date.now() < deadline) await sleep(50);
  if (baseline.size < users.length) throw new Error(`only ${baseline.size} of ${users.length} user snapshots arrived after subscribing`);
  return { clients, baseline, onUpdate: (fn) => (listener = fn) };
}

async function runPhase(ctx: BenchContext, web: WebServer, listen: pg.Client, rate: number, seconds: number, seed: number): Promise<Phase> {
  const count = Math.round(rate * seconds);
  const startMs = Date.now() + 3_000;
  const sequence = createEventSequence({ seed, users: USERS, clock: simulatedClock(startMs, rate) });
  const partitions = ctx.cfg.EVENTS_PARTITIONS;
  const partitioner = Partitioners.DefaultPartitioner();
  const metadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1] })) as PartitionerArgs['partitionMetadata'];
  const messages: Message[] = [];
  const perUser = new Map<string, number>();
  for (const m of sequence.take(count)) {
    const message: Message = { key: m.key, value: Buffer.from(m.value) };
    message.partition = partitioner({ topic: web.topic, partitionMetadata: metadata, message });
    messages.push(message);
    perUser.set(m.key, (perUser.get(m.key) ?? 0) + 1);
  }
  const tracked = [...perUser.entries()].sort((a, b) => b[1] - a[1]).slice(0, TRACKED_USERS).map(([u]) => u);
  const trackedSet = new Set(tracked);
  const { clients, baseline, onUpdate } = await connectClients(web, tracked);

  const pending: Pending[][] = Array.from({ length: partitions }, () => []);
  const userSends = new Map<string, Sent[]>(tracked.map((u) => [u, []]));
  const userSeen = new Map<string, number>(tracked.map((u) => [u, 0]));
  const committedLatencies: number[] = [];
  const socketLatencies: number[] = [];
  const commitToPush: number[] = [];
  onUpdate((userId, total, at) => {
    const sends = userSends.get(userId);
    if (!sends) return;
    const visible = total - (baseline.get(userId) ?? 0);
    let seen = userSeen.get(userId) ?? 0;
    while (seen < visible && seen < sends.length) {
      const sent = sends[seen++] as Sent;
      socketLatencies.push(at - sent.t0);
      if (sent.committedAt !== undefined) commitToPush.push(at - sent.committedAt);
    }
    userSeen.set(userId, seen);
  });

  // Committed offsets, read on each NOTIFY of this run's group (one query at a time).
  let querying = false;
  let again = false;
  const readOffsets = async (): Promise<void> => {
    if (querying) {
      again = true;
      return;
    }
    querying = true;
    try {
      do {
        again = false;
        const r = await ctx.once(`e2e-reader-${web.groupId}`, async () => {
          const c = new pg.Client({ connectionString: ctx.cfg.DATABASE_URL });
          await c.connect();
          ctx.onCleanup(() => c.end());
          return c;
        });
        const rows = await r.query<{ partition: number; next_offset: string }>('SELECT partition, next_offset::text FROM partition_state WHERE group_id = $1 AND topic = $2', [web.groupId, web.topic]);
        const at = performance.now();
        for (const row of rows.rows) {
          const list = pending[row.partition];
          if (!list) continue;
          const next = BigInt(row.next_offset);
          let i = 0;
          while (i < list.length && (list[i] as Pending).offset < next) {
            const p = list[i++] as Pending;
            committedLatencies.push(at - p.t0);
            if (p.tracked) p.tracked.committedAt = at;
          }
          if (i > 0) list.splice(0, i);
        }
      } while (again);
    } finally {
      querying = false;
    }
  };
  const onNotification = (n: pg.Notification) => {
    if (n.channel !== COMMIT_CHANNEL || !n.payload) return;
    const parsed = commitNoticeSchema.safeParse(JSON.parse(n.payload));
    if (!parsed.success || parsed.data.groupId !== web.groupId || parsed.data.topic !== web.topic) return;
    readOffsets().catch((err: unknown) => ctx.log(`reading offsets failed: ${String(err)}`));
  };
  listen.on('notification', onNotification);

  const producer = ctx.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const cpu0 = machineCpu();
  let sent = 0;
  let sendError: unknown;
  try {
    await sleep(Math.max(0, startMs - Date.now()));
    const t0 = performance.now();
    // Pace by the schedule: message i is due at t0 + i / rate; one send in flight, the rest queue.
    while (sent < count && sendError === undefined) {
      const due = Math.min(count, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      if (due <= sent) {
        await sleep(Math.max(1, ((sent * 1000) / rate) - (performance.now() - t0)));
        continue;
      }
      const batch = messages.slice(sent, due);
      const start = performance.now();
      try {
        const meta = await producer.send({ topic: web.topic, acks: -1, messages: batch });
        const base = new Map(meta.map((m) => [m.partition, BigInt(m.baseOffset ?? '0')]));
        const index = new Map<number, bigint>();
        for (const m of batch) {
          const p = m.partition as number;
          const offset = (base.get(p) ?? 0n) + (index.get(p) ?? 0n);
          index.set(p, (index.get(p) ?? 0n) + 1n);
          const key = String(m.key);
          const sentRecord: Sent | undefined = trackedSet.has(key) ? { t0: start } : undefined;
          if (sentRecord) userSends.get(key)?.push(sentRecord);
          pending[p]?.push({ offset, t0: start, ...(sentRecord ? { tracked: sentRecord } : {}) });
        }
      } catch (err) {
        sendError = err;
      }
      sent = due;
    }
    const producedSeconds = (performance.now() - t0) / 1000;
    if (sendError !== undefined) throw new Error(`producing failed: ${(sendError as Error).message}`);
    // Let the last commits and pushes arrive.
    const deadline = Date.now() + 60_000;
    const trackedTotal = tracked.reduce((s, u) => s + (userSends.get(u)?.length ?? 0), 0);
    for (;;) {
      const allCommitted = pending.every((l) => l.length === 0);
      const allPushed = tracked.every((u) => (userSeen.get(u) ?? 0) >= (userSends.get(u)?.length ?? 0));
      if ((allCommitted && allPushed) || Date.now() > deadline) break;
      await sleep(100);
      if (!allCommitted) await readOffsets();
    }
    const left = pending.reduce((s, l) => s + l.length, 0);
    const unpushed = trackedTotal - socketLatencies.length;
    return {
      rate,
      produced: count,
      producedPerSecond: count / producedSeconds,
      committed: summarize(committedLatencies),
      socket: summarize(socketLatencies),
      commitToPush: summarize(commitToPush),
      machineBusyPercent: busyPercent(cpu0, machineCpu()),
      incomplete: left > 0 || unpushed > 0 ? `${left} events not committed and ${unpushed} tracked events not pushed after 60 s` : null,
    };
  } finally {
    listen.off('notification', onNotification);
    await producer.disconnect();
    for (const c of clients) c.disconnect();
  }
}

export const endToEndLatencyScenario: Scenario = {
  name: 'end-to-end-latency',
  title: '4 end-to-end latency',
  async run(ctx) {
    const web = await sharedWebServer(ctx);
    const worker = ctx.own(spawnTs('worker-live', 'worker/main.ts', web.env, ctx.logDir));
    const listen = new pg.Client({ connectionString: ctx.cfg.DATABASE_URL });
    await listen.connect();
    await listen.query(`LISTEN ${COMMIT_CHANNEL}`);
    try {
      // Warm up: a few events, until the worker has joined and committed them.
      const producer = ctx.kafka.producer();
      await producer.connect();
      const warm = createEventSequence({ seed: 1, users: USERS, clock: simulatedClock(Date.now(), 100) }).take(200);
      await producer.send({ topic: web.topic, acks: -1, messages: warm.map((m) => ({ key: m.key, value: m.value })) });
      await producer.disconnect();
      const deadline = Date.now() + 90_000;
      while ((await committedCount(listen, web.groupId, web.topic)) < warm.length) {
        if (worker.process.exitCode !== null) throw new Error(`the worker exited:\n${tail(worker.logFile, 10)}`);
        if (Date.now() > deadline) throw new Error(`the worker did not commit the warm-up events in 90 s:\n${tail(worker.logFile, 10)}`);
        await sleep(200);
      }
      const seconds = ctx.opts.quick ? 3 : 10;
      const phases: Phase[] = [];
      for (const [i, rate] of [2_000, 10_000].entries()) {
        ctx.log(`  ${rate.toLocaleString('en-US')} events/s for ${seconds} s ...`);
        phases.push(await runPhase(ctx, web, listen, rate, seconds, 100 + i));
      }
      const figures: Figure[] = [];
      const notes: string[] = [];
      for (const p of phases) {
        const r = p.rate.toLocaleString('en-US');
        figures.push(fig(`produced${p.rate}`, `@${r}/s: produced (achieved rate)`, round(p.producedPerSecond), 'events/s'));
        figures.push(fig(`socket${p.rate}`, `@${r}/s: produced → Socket.IO update p50 / p95 / p99`, `${p.socket.p50} / ${p.socket.p95} / ${p.socket.p99}`, 'ms'));
        figures.push(fig(`socketP99_${p.rate}`, `@${r}/s: produced → Socket.IO update p99`, p.socket.p99, 'ms'));
        figures.push(fig(`committed${p.rate}`, `@${r}/s: produced → committed (LISTEN) p50 / p95 / p99`, `${p.committed.p50} / ${p.committed.p95} / ${p.committed.p99}`, 'ms'));
        figures.push(fig(`committedP99_${p.rate}`, `@${r}/s: produced → committed (LISTEN) p99`, p.committed.p99, 'ms'));
        figures.push(fig(`commitToPush${p.rate}`, `@${r}/s: committed → Socket.IO update p50 / p95 / p99`, `${p.commitToPush.p50} / ${p.commitToPush.p95} / ${p.commitToPush.p99}`, 'ms'));
        figures.push(fig(`commitToPushP99_${p.rate}`, `@${r}/s: committed → Socket.IO update p99`, p.commitToPush.p99, 'ms'));
        figures.push(fig(`busy${p.rate}`, `@${r}/s: machine CPU busy (all cores)`, p.machineBusyPercent, '%'));
        notes.push(`@${r}/s: ${p.socket.count} Socket.IO samples (${p.commitToPush.count} with a commit time seen first) (${TRACKED_USERS} most active users of ${USERS}), max ${p.socket.max} ms; ${p.committed.count} committed samples, max ${p.committed.max} ms${p.incomplete ? `; ${p.incomplete}` : ''}`);
      }
      notes.push('the web server coalesces pushes to at most one per room every ~500 ms (web/live/publisher.ts), which bounds the Socket.IO figures from below');
      return { figures, notes };
    } finally {
      await listen.end().catch(() => {});
      await stopChild(worker, 15_000);
    }
  },
};
