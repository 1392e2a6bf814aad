/**
 * Scenario 4, end-to-end latency: event produced → aggregate committed by a worker → update
 * received by Socket.IO clients, at 2,000 and 10,000 events/s, while pages watch: 500 sockets on
 * the overview and 100 on user pages (20 and 10 with --quick), each also in the `pipeline` room as
 * every page's header is.
 *
 * The web server (web/server.ts) and one worker process follow a topic of this run. This process
 * produces the simulator's events (500 users, wall-clock timestamps) at the target rate, one send
 * in flight at a time, and takes each event's start time just before its send. Latencies:
 * - committed: when PostgreSQL NOTIFYs a commit on `clickstream_commits`, this process reads each
 *   partition's committed next_offset; every produced event below it is committed (all events),
 *   and gets the next ranks in commit order;
 * - user pages: one socket per user room (`user:<id>`) of the most active users; a `user:update`
 *   whose today.eventCount went up by n delivers that user's next n events (a user's events share
 *   a partition, so they commit in order);
 * - overview: an `overview:update` whose today.events is the day's count before the phase plus n
 *   delivers the first n events in commit order; each update's time is when the last of the
 *   overview sockets received it (the slowest of the 500 browsers), so every event is one sample.
 * The bench process is itself the 600 browsers: its event-loop delay is reported, since a busy
 * client loop delays what it measures.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type Message, type PartitionerArgs } from 'kafkajs';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { commitNoticeSchema, COMMIT_CHANNEL } from '@/lib/contracts/commit-notice';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '@/lib/contracts/socket-events';
import type { OverviewSnapshot } from '@/lib/contracts/dashboard';
import { spawnTs, stopChild, tail } from '@/tooling/process/children';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';
import { committedCount, type BenchContext } from '@/bench/support/context';
import { busyPercent, cpuSeconds, cpuSecondsWhere, isKafkaBroker, isPostgres, machineCpu } from '@/bench/support/proc';
import type { Figure } from '@/bench/support/report';
import { fig, type Scenario } from '@/bench/support/scenario';
import { round, summarize, type LatencySummary } from '@/bench/support/stats';
import { sharedWebServer, WEB_APP_NAME, withApplicationName, WORKER_APP_NAME, type WebServer } from '@/bench/support/web';

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
/** Sockets watching pages, as the issue asks (500 on the overview, 100 on user pages); fewer with --quick. */
const OVERVIEW_SOCKETS = { full: 500, quick: 20 };
const USER_SOCKETS = { full: 100, quick: 10 };
/** Sockets connected and subscribed at once. */
const CONNECT_PARALLEL = 25;

interface Phase {
  rate: number;
  produced: number;
  producedPerSecond: number;
  committed: LatencySummary;
  socket: LatencySummary;
  commitToPush: LatencySummary;
  overview: LatencySummary;
  commitToOverview: LatencySummary;
  overviewUpdates: number;
  overviewSpreadP99: number | null;
  clientLoopDelayP99: number | null;
  machineBusyPercent: number | null;
  /** Where the machine's CPU went during the phase, in % of one core. */
  cpu: CpuSplit;
  /** Transactions the worker committed in the phase (NOTIFYs of its group), and events per transaction. */
  commits: number;
  incomplete: string | null;
}

interface CpuReading {
  worker: number | null;
  web: number | null;
  /** CPU seconds of the PostgreSQL backends of the worker's and of the web server's connections, by pid */
  pgWorker: Map<number, number>;
  pgWeb: Map<number, number>;
  /** every PostgreSQL process (those two, the bench's own and the server's background processes) */
  postgres: number;
  kafka: number;
  /** this process: the producer and the 600 browsers' sockets */
  bench: number;
}

/** CPU of each part of the system during a phase, in % of one core (null: not readable). */
type CpuSplit = Record<keyof CpuReading, number | null>;

const cpuByPid = (pids: number[]) => new Map(pids.map((pid) => [pid, cpuSeconds(pid) ?? 0]));

/** CPU seconds the backends alive at the end used since the start (0 at the start for one opened meanwhile; one closed meanwhile is missed). */
function backendSeconds(a: Map<number, number>, b: Map<number, number>): number {
  let sum = 0;
  for (const [pid, end] of b) sum += end - (a.get(pid) ?? 0);
  return sum;
}

/** The backends of each application_name, as they are now. */
async function backendsOf(client: pg.Client): Promise<{ worker: number[]; web: number[] }> {
  const r = await client.query<{ pid: number; name: string }>('SELECT pid, application_name AS name FROM pg_stat_activity WHERE application_name = ANY($1)', [[WORKER_APP_NAME, WEB_APP_NAME]]);
  return { worker: r.rows.filter((x) => x.name === WORKER_APP_NAME).map((x) => x.pid), web: r.rows.filter((x) => x.name === WEB_APP_NAME).map((x) => x.pid) };
}

/** Every process's CPU so far; of PostgreSQL's backends, those in `backends`. */
function readCpu(pids: { worker: number; web: number }, backends: { worker: number[]; web: number[] }): CpuReading {
  const self = process.cpuUsage();
  return {
    worker: cpuSeconds(pids.worker),
    web: cpuSeconds(pids.web),
    pgWorker: cpuByPid(backends.worker),
    pgWeb: cpuByPid(backends.web),
    postgres: cpuSecondsWhere(isPostgres),
    kafka: cpuSecondsWhere(isKafkaBroker),
    bench: (self.user + self.system) / 1e6,
  };
}

function cpuSplit(a: CpuReading, b: CpuReading, seconds: number): CpuSplit {
  const share = (x: number, y: number) => round(((y - x) / seconds) * 100, 1);
  return {
    worker: a.worker === null || b.worker === null ? null : share(a.worker, b.worker),
    web: a.web === null || b.web === null ? null : share(a.web, b.web),
    pgWorker: share(0, backendSeconds(a.pgWorker, b.pgWorker)),
    pgWeb: share(0, backendSeconds(a.pgWeb, b.pgWeb)),
    postgres: share(a.postgres, b.postgres),
    kafka: share(a.kafka, b.kafka),
    bench: share(a.bench, b.bench),
  };
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

/** One `overview:update` broadcast (keyed by its snapshot time), as the overview sockets received it. */
interface OverviewArrival {
  events: number;
  first: number;
  last: number;
  sockets: number;
}

async function connectSocket(web: WebServer, rooms: string[], setup: (socket: Client) => void): Promise<Client> {
  const socket: Client = io(web.url, { transports: ['websocket'], reconnection: false, timeout: 10_000 });
  setup(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(new Error(`Socket.IO: ${err.message}`)));
  });
  for (const room of rooms) {
    const ack = await subscribe(socket, room);
    if (!ack.ok) throw new Error(`subscribe ${room}: ${ack.error}`);
  }
  return socket;
}

async function connectMany(n: number, connect: (i: number) => Promise<Client>): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < n; i += CONNECT_PARALLEL) {
    const batch = await Promise.allSettled(Array.from({ length: Math.min(CONNECT_PARALLEL, n - i) }, (_, j) => connect(i + j)));
    for (const r of batch) if (r.status === 'fulfilled') clients.push(r.value);
    const failed = batch.find((r) => r.status === 'rejected');
    if (failed) {
      for (const c of clients) c.disconnect();
      throw failed.reason;
    }
  }
  return clients;
}

/** The overview pages: sockets in `overview` and `pipeline`, recording when each broadcast reached each of them. */
async function connectOverview(web: WebServer, n: number): Promise<{ clients: Client[]; arrivals: Map<string, OverviewArrival>; latest: () => OverviewSnapshot | undefined }> {
  const arrivals = new Map<string, OverviewArrival>();
  let latest: OverviewSnapshot | undefined;
  const clients = await connectMany(n, () =>
    connectSocket(web, ['overview', 'pipeline'], (socket) =>
      socket.on('overview:update', (s) => {
        const at = performance.now();
        latest = s;
        const a = arrivals.get(s.at);
        if (a) {
          a.last = at;
          a.sockets += 1;
        } else arrivals.set(s.at, { events: s.kpis.today.events, first: at, last: at, sockets: 1 });
      }),
    ),
  );
  return { clients, arrivals, latest: () => latest };
}

/** The user pages: one socket per user, in `user:<id>` and `pipeline`. */
async function connectUsers(web: WebServer, users: string[]): Promise<{ clients: Client[]; baseline: Map<string, number>; onUpdate: (fn: (userId: string, count: number, at: number) => void) => void }> {
  const baseline = new Map<string, number>();
  let listener: ((userId: string, count: number, at: number) => void) | undefined;
  const clients = await connectMany(users.length, (i) =>
    connectSocket(web, [`user:${users[i] ?? ''}`, 'pipeline'], (socket) =>
      socket.on('user:update', (s) => {
        const at = performance.now();
        const count = s.today?.eventCount ?? 0;
        if (!baseline.has(s.userId)) baseline.set(s.userId, count);
        else listener?.(s.userId, count, at);
      }),
    ),
  );
  // Every room answers a subscribe with a snapshot: that is each user's count before this phase.
  const deadline = Date.now() + 15_000;
  while (baseline.size < users.length && Date.now() < deadline) await sleep(50);
  if (baseline.size < users.length) {
    for (const c of clients) c.disconnect();
    throw new Error(`only ${baseline.size} of ${users.length} user snapshots arrived after subscribing`);
  }
  return { clients, baseline, onUpdate: (fn) => (listener = fn) };
}

/** Today's (UTC) committed events, as the overview reads them (global_daily). */
async function eventsToday(client: pg.Client): Promise<number> {
  const r = await client.query<{ n: string | null }>('SELECT event_count::text AS n FROM global_daily WHERE day = (now() AT TIME ZONE \'UTC\')::date');
  return Number(r.rows[0]?.n ?? 0);
}

interface PhaseOptions {
  rate: number;
  seconds: number;
  seed: number;
  userSockets: number;
  overview: Awaited<ReturnType<typeof connectOverview>>;
  pids: { worker: number; web: number };
}

async function runPhase(ctx: BenchContext, web: WebServer, listen: pg.Client, o: PhaseOptions): Promise<Phase> {
  const { rate, seconds, seed } = o;
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
  const tracked = [...perUser.entries()].sort((a, b) => b[1] - a[1]).slice(0, o.userSockets).map(([u]) => u);
  const trackedSet = new Set(tracked);
  const { clients, baseline, onUpdate } = await connectUsers(web, tracked);
  // Everything before this phase is committed (the previous phase waited for it): the overview's
  // count of today's events before this phase's first event.
  const overviewBaseline = await eventsToday(listen);
  o.overview.arrivals.clear();

  const pending: Pending[][] = Array.from({ length: partitions }, () => []);
  const userSends = new Map<string, Sent[]>(tracked.map((u) => [u, []]));
  const userSeen = new Map<string, number>(tracked.map((u) => [u, 0]));
  const committedLatencies: number[] = [];
  /** Every event of the phase in commit order (as this process saw the commits). */
  const commitOrder: Sent[] = [];
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
            const sent = p.tracked ?? { t0: p.t0 };
            sent.committedAt = at;
            commitOrder.push(sent);
          }
          if (i > 0) list.splice(0, i);
        }
      } while (again);
    } finally {
      querying = false;
    }
  };
  let commits = 0;
  const onNotification = (n: pg.Notification) => {
    if (n.channel !== COMMIT_CHANNEL || !n.payload) return;
    const parsed = commitNoticeSchema.safeParse(JSON.parse(n.payload));
    if (!parsed.success || parsed.data.groupId !== web.groupId || parsed.data.topic !== web.topic) return;
    commits += 1;
    readOffsets().catch((err: unknown) => ctx.log(`reading offsets failed: ${String(err)}`));
  };
  listen.on('notification', onNotification);

  const producer = ctx.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const cpu0 = machineCpu();
  const split0 = readCpu(o.pids, await backendsOf(listen));
  const wall0 = performance.now();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let sent = 0;
  let sendError: unknown;
  try {
    await sleep(Math.max(0, startMs - Date.now()));
    loop.enable();
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
    const overviewSeen = () => (o.overview.latest()?.kpis.today.events ?? 0) - overviewBaseline;
    for (;;) {
      const allCommitted = pending.every((l) => l.length === 0);
      const allPushed = tracked.every((u) => (userSeen.get(u) ?? 0) >= (userSends.get(u)?.length ?? 0));
      const overviewDone = o.overview.clients.length === 0 || overviewSeen() >= count;
      if ((allCommitted && allPushed && overviewDone) || Date.now() > deadline) break;
      await sleep(100);
      if (!allCommitted) await readOffsets();
    }
    // Let every overview socket receive the last broadcast.
    await sleep(500);
    loop.disable();
    const split = cpuSplit(split0, readCpu(o.pids, await backendsOf(listen)), (performance.now() - wall0) / 1000);

    // Each overview broadcast delivers the events ranked up to its count, at its last arrival.
    const overviewLatencies: number[] = [];
    const commitToOverview: number[] = [];
    const spreads: number[] = [];
    const broadcasts = [...o.overview.arrivals.values()].sort((a, b) => a.first - b.first);
    let delivered = 0;
    for (const b of broadcasts) {
      spreads.push(b.last - b.first);
      const visible = Math.min(commitOrder.length, b.events - overviewBaseline);
      while (delivered < visible) {
        const e = commitOrder[delivered++] as Sent;
        overviewLatencies.push(b.last - e.t0);
        // Only when this process saw the commit before the push (as for the user pages).
        if (e.committedAt !== undefined && e.committedAt <= b.last) commitToOverview.push(b.last - e.committedAt);
      }
    }
    const left = pending.reduce((s, l) => s + l.length, 0);
    const unpushed = trackedTotal - socketLatencies.length;
    const overviewMissing = o.overview.clients.length > 0 ? count - delivered : 0;
    const problems = [
      left > 0 ? `${left} events not committed` : '',
      unpushed > 0 ? `${unpushed} tracked events not pushed to user pages` : '',
      overviewMissing > 0 ? `${overviewMissing} events not shown on the overview` : '',
    ].filter((x) => x !== '');
    return {
      rate,
      produced: count,
      producedPerSecond: count / producedSeconds,
      committed: summarize(committedLatencies),
      socket: summarize(socketLatencies),
      commitToPush: summarize(commitToPush),
      overview: summarize(overviewLatencies),
      commitToOverview: summarize(commitToOverview),
      overviewUpdates: broadcasts.length,
      overviewSpreadP99: summarize(spreads).p99,
      clientLoopDelayP99: round(loop.percentile(99) / 1e6, 1),
      machineBusyPercent: busyPercent(cpu0, machineCpu()),
      cpu: split,
      commits,
      incomplete: problems.length > 0 ? `${problems.join(', ')} after 60 s` : null,
    };
  } finally {
    loop.disable();
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
    const worker = ctx.own(spawnTs('worker-live', 'worker/main.ts', { ...web.env, DATABASE_URL: withApplicationName(web.env.DATABASE_URL, WORKER_APP_NAME) }, ctx.logDir));
    const listen = new pg.Client({ connectionString: ctx.cfg.DATABASE_URL });
    await listen.connect();
    await listen.query(`LISTEN ${COMMIT_CHANNEL}`);
    let overview: Awaited<ReturnType<typeof connectOverview>> | undefined;
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
      const size = ctx.opts.quick ? 'quick' : 'full';
      const overviewSockets = OVERVIEW_SOCKETS[size];
      const userSockets = USER_SOCKETS[size];
      ctx.log(`  connecting ${overviewSockets} overview sockets ...`);
      overview = await connectOverview(web, overviewSockets);
      const seconds = ctx.opts.quick ? 3 : 10;
      const phases: Phase[] = [];
      for (const [i, rate] of [2_000, 10_000].entries()) {
        ctx.log(`  ${rate.toLocaleString('en-US')} events/s for ${seconds} s (${overviewSockets} overview sockets, ${userSockets} user-page sockets) ...`);
        phases.push(await runPhase(ctx, web, listen, { rate, seconds, seed: 100 + i, userSockets, overview, pids: { worker: worker.process.pid ?? 0, web: web.child.process.pid ?? 0 } }));
      }
      const figures: Figure[] = [
        fig('overviewSockets', 'sockets watching the overview (+ pipeline)', overviewSockets),
        fig('userSockets', 'sockets watching a user page (+ pipeline), one per user', userSockets),
      ];
      const notes: string[] = [];
      for (const p of phases) {
        const r = p.rate.toLocaleString('en-US');
        figures.push(fig(`produced${p.rate}`, `@${r}/s: produced (achieved rate)`, round(p.producedPerSecond), 'events/s'));
        figures.push(fig(`committed${p.rate}`, `@${r}/s: produced → committed (LISTEN) p50 / p95 / p99`, `${p.committed.p50} / ${p.committed.p95} / ${p.committed.p99}`, 'ms'));
        figures.push(fig(`committedP99_${p.rate}`, `@${r}/s: produced → committed (LISTEN) p99`, p.committed.p99, 'ms'));
        figures.push(fig(`socket${p.rate}`, `@${r}/s: produced → user page (user:update) p50 / p95 / p99`, `${p.socket.p50} / ${p.socket.p95} / ${p.socket.p99}`, 'ms'));
        figures.push(fig(`socketP99_${p.rate}`, `@${r}/s: produced → user page p99`, p.socket.p99, 'ms'));
        figures.push(fig(`commitToPush${p.rate}`, `@${r}/s: committed → user page p50 / p95 / p99`, `${p.commitToPush.p50} / ${p.commitToPush.p95} / ${p.commitToPush.p99}`, 'ms'));
        figures.push(fig(`commitToPushP99_${p.rate}`, `@${r}/s: committed → user page p99`, p.commitToPush.p99, 'ms'));
        figures.push(fig(`overview${p.rate}`, `@${r}/s: produced → overview, last socket, p50 / p95 / p99`, `${p.overview.p50} / ${p.overview.p95} / ${p.overview.p99}`, 'ms'));
        figures.push(fig(`overviewP99_${p.rate}`, `@${r}/s: produced → overview p99`, p.overview.p99, 'ms'));
        figures.push(fig(`commitToOverview${p.rate}`, `@${r}/s: committed → overview, last socket, p50 / p95 / p99`, `${p.commitToOverview.p50} / ${p.commitToOverview.p95} / ${p.commitToOverview.p99}`, 'ms'));
        figures.push(fig(`commitToOverviewP99_${p.rate}`, `@${r}/s: committed → overview p99`, p.commitToOverview.p99, 'ms'));
        figures.push(fig(`clientLoopDelayP99_${p.rate}`, `@${r}/s: bench (client) event-loop delay p99`, p.clientLoopDelayP99, 'ms'));
        figures.push(fig(`busy${p.rate}`, `@${r}/s: machine CPU busy (all cores)`, p.machineBusyPercent, '%'));
        const c = p.cpu;
        figures.push(fig(`cpuSplit${p.rate}`, `@${r}/s: CPU, % of a core: worker / web server / PostgreSQL (worker's backends, web's, all) / Kafka / bench (producer + sockets)`, `${c.worker ?? '?'} / ${c.web ?? '?'} / ${c.pgWorker} + ${c.pgWeb} of ${c.postgres} / ${c.kafka} / ${c.bench}`, '%'));
        figures.push(fig(`eventsPerCommit${p.rate}`, `@${r}/s: worker transactions, events per transaction`, `${p.commits} / ${p.commits > 0 ? round(p.produced / p.commits, 1) : '?'}`, ''));
        notes.push(
          `@${r}/s: user pages ${p.socket.count} samples (${p.commitToPush.count} with a commit time seen first; the ${userSockets} most active users of ${USERS}), max ${p.socket.max} ms; ` +
            `overview ${p.overview.count} samples (${p.commitToOverview.count} with a commit time seen first) from ${p.overviewUpdates} broadcasts, max ${p.overview.max} ms, first → last of ${overviewSockets} sockets p99 ${p.overviewSpreadP99} ms; ` +
            `${p.committed.count} committed samples, max ${p.committed.max} ms${p.incomplete ? `; ${p.incomplete}` : ''}`,
        );
      }
      notes.push(`the web server coalesces pushes to at most one per kind of room every ${ctx.cfg.LIVE_PUSH_INTERVAL_MS} ms (LIVE_PUSH_INTERVAL_MS, web/live/publisher.ts), which bounds the Socket.IO figures from below`);
      return { figures, notes };
    } finally {
      for (const c of overview?.clients ?? []) c.disconnect();
      await listen.end().catch(() => {});
      await stopChild(worker, 15_000);
    }
  },
};
