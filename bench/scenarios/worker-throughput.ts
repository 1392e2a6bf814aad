/**
 * Scenario 3, worker throughput: the pre-filled topic into committed aggregates, with 1 and with 2
 * worker processes (worker/main.ts) in one group. Each configuration gets a fresh group id and a
 * fresh database, so it starts from offset 0. Progress is read from partition_state (the sum of
 * next_offset is the number of messages committed) every 100 ms. The rate is taken from the first
 * commit seen to the last, so process start-up and the group join are left out (they are reported
 * apart, as wall time).
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { stopChild, tail, type Child } from '@/tooling/process/children';
import { spawnNodeTs } from '@/bench/support/spawn';
import { backendPids, committedCount, type BenchContext } from '@/bench/support/context';
import { sharedPrefill, type Prefilled } from '@/bench/support/prefill';
import { busyPercent, cpuSeconds, machineCpu, sampleMemory, type MemorySampler } from '@/bench/support/proc';
import { fig, type Scenario } from '@/bench/support/scenario';
import { round } from '@/bench/support/stats';
import { sharedRawConsume } from './raw-consume';

export interface WorkerRun {
  workers: number;
  eventsPerSecond: number;
  wallSeconds: number;
  peakRssMiB: (number | null)[];
  cpuPercentOfCore: (number | null)[];
  /** Events committed per CPU-second of the worker processes (start-up included): independent of how busy the machine is. */
  eventsPerCpuSecond: number | null;
  /** Share of the wall time each worker's main thread was runnable but waiting for a CPU. */
  runQueuePercent: (number | null)[];
  machineBusyPercent: number | null;
  /** CPU over the measured interval, as a share of one core: the workers' PostgreSQL backends, and the broker (when started by the bench). */
  postgresBackendsCpuPercent: number | null;
  kafkaCpuPercent: number | null;
  /** Rows inserted or updated in the aggregate tables per event (PostgreSQL's statistics). */
  rowsWrittenPerEvent: number | null;
  /** CPU-seconds per million events: the worker processes (start-up included) and their PostgreSQL backends. */
  workerCpuSecondsPerMillion: number | null;
  postgresCpuSecondsPerMillion: number | null;
}

async function measureWorkers(ctx: BenchContext, prefilled: Prefilled, workers: number, nodeFlags: string[] = [], extraEnv: Record<string, string> = {}): Promise<WorkerRun> {
  const db = await ctx.freshDatabase(`w${workers}_${Date.now() % 100000}`);
  const groupId = `bench-${ctx.runId}-w${workers}-${Date.now()}`;
  const env = ctx.childEnv({
    DATABASE_URL: db.url,
    TOPIC_EVENTS: prefilled.topic,
    TOPIC_DLQ: ctx.topicName('dlq'),
    TOPIC_LATE: ctx.topicName('late'),
    WORKER_GROUP_ID: groupId,
    ...(ctx.opts.chunkSize === undefined ? {} : { WORKER_CHUNK_SIZE: String(ctx.opts.chunkSize) }),
    ...extraEnv,
  });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const children: Child[] = [];
  const samplers: MemorySampler[] = [];
  let result: Omit<WorkerRun, 'rowsWrittenPerEvent'>;
  try {
    const cpu0 = machineCpu();
    const kafkaCpu0 = ctx.brokerPid === undefined ? null : cpuSeconds(ctx.brokerPid);
    const started = performance.now();
    for (let i = 0; i < workers; i++) {
      const child = ctx.own(spawnNodeTs(`worker-${workers}-${i + 1}`, 'worker/main.ts', env, ctx.logDir, nodeFlags));
      children.push(child);
      samplers.push(sampleMemory(child.process.pid ?? 0));
    }
    const timeoutMs = Math.max(180_000, (prefilled.count / 2_000) * 1000);
    let first: { t: number; n: number } | undefined;
    let last = { t: started, n: 0 };
    for (;;) {
      const n = await committedCount(client, groupId, prefilled.topic);
      const t = performance.now();
      if (n > 0 && !first) first = { t, n };
      last = { t, n };
      if (n >= prefilled.count) break;
      const dead = children.find((c) => c.process.exitCode !== null);
      if (dead) throw new Error(`${dead.name} exited (${dead.process.exitCode}); last lines of its log:\n${tail(dead.logFile, 10)}`);
      if (t - started > timeoutMs) throw new Error(`only ${n} of ${prefilled.count} events committed after ${timeoutMs / 1000} s`);
      await sleep(100);
    }
    const cpu1 = machineCpu();
    const wallSeconds = (last.t - started) / 1000;
    const cpu = children.map((c) => cpuSeconds(c.process.pid ?? 0));
    const kafkaCpu1 = ctx.brokerPid === undefined ? null : cpuSeconds(ctx.brokerPid);
    // The workers' connections were opened for this run, so their backends' CPU time is all this run's.
    const pgCpu = (await backendPids(client)).map(cpuSeconds).reduce<number>((s, c) => s + (c ?? 0), 0);
    const share = (seconds: number | null) => (seconds === null ? null : round((seconds / wallSeconds) * 100, 1));
    for (const s of samplers) s.stop();
    const f = first ?? last;
    const eventsPerSecond = last.t > f.t ? (last.n - f.n) / ((last.t - f.t) / 1000) : prefilled.count / wallSeconds;
    result = {
      workers,
      eventsPerSecond,
      wallSeconds,
      peakRssMiB: samplers.map((s) => s.peakMiB()),
      cpuPercentOfCore: cpu.map(share),
      eventsPerCpuSecond: cpu.every((c) => c !== null) ? round(prefilled.count / cpu.reduce<number>((a, c) => a + (c ?? 0), 0)) : null,
      runQueuePercent: samplers.map((s) => share(s.runQueueSeconds())),
      machineBusyPercent: busyPercent(cpu0, cpu1),
      postgresBackendsCpuPercent: share(pgCpu),
      kafkaCpuPercent: share(kafkaCpu0 === null || kafkaCpu1 === null ? null : kafkaCpu1 - kafkaCpu0),
      workerCpuSecondsPerMillion: cpu.every((c) => c !== null) ? round((cpu.reduce<number>((a, c) => a + (c ?? 0), 0) / prefilled.count) * 1e6, 2) : null,
      postgresCpuSecondsPerMillion: round((pgCpu / prefilled.count) * 1e6, 2),
    };
  } finally {
    for (const s of samplers) s.stop();
    await Promise.allSettled(children.map((c) => stopChild(c, 15_000)));
  }
  try {
    // Backends flush their table statistics when they exit: read them once the workers are gone.
    await sleep(500);
    const r = await client.query<{ n: string | null }>(
      `SELECT sum(n_tup_ins + n_tup_upd)::text AS n FROM pg_stat_user_tables WHERE relname IN ('user_daily', 'user_minute', 'global_minute')`,
    );
    const rows = Number(r.rows[0]?.n ?? NaN);
    return { ...result, rowsWrittenPerEvent: Number.isFinite(rows) ? round(rows / prefilled.count, 3) : null };
  } finally {
    await client.end().catch(() => {});
  }
}

export const workerThroughputScenario: Scenario = {
  name: 'worker-throughput',
  title: '3 worker throughput',
  async run(ctx) {
    const prefilled = await sharedPrefill(ctx);
    const raw = await sharedRawConsume(ctx);
    const profileDir = path.join(ctx.logDir, 'profiles');
    const one = await measureWorkers(ctx, prefilled, 1, ctx.opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
    const two = await measureWorkers(ctx, prefilled, 2);
    const ratio = (r: WorkerRun) => round(r.eventsPerSecond / raw.eventsPerSecond, 3);
    const list = (xs: (number | null)[]) => xs.map((x) => (x === null ? '?' : String(x))).join(' / ');
    return {
      figures: [
        fig('rawEventsPerSecond', 'raw consume limit (this run)', round(raw.eventsPerSecond), 'events/s'),
        fig('oneWorkerEventsPerSecond', '1 worker: committed', round(one.eventsPerSecond), 'events/s'),
        fig('oneWorkerRatio', '1 worker: ratio to raw consume', ratio(one), '×'),
        fig('oneWorkerWallSeconds', '1 worker: wall time incl. start-up', round(one.wallSeconds, 1), 's'),
        fig('oneWorkerPeakRssMiB', '1 worker: peak RSS', list(one.peakRssMiB), 'MiB'),
        fig('oneWorkerCpuPercent', '1 worker: CPU (share of one core)', list(one.cpuPercentOfCore), '%'),
        fig('oneWorkerEventsPerCpuSecond', '1 worker: events per CPU-second of the worker', one.eventsPerCpuSecond, 'events'),
        fig('oneWorkerCpuPerMillion', '1 worker: CPU-seconds per million events, worker + its PostgreSQL backends', `${one.workerCpuSecondsPerMillion ?? '?'} + ${one.postgresCpuSecondsPerMillion ?? '?'}`, 's'),
        fig('oneWorkerRunQueuePercent', '1 worker: waiting for a CPU (runnable, not running)', list(one.runQueuePercent), '% of wall time'),
        fig('oneWorkerRowsPerEvent', '1 worker: aggregate rows written per event', one.rowsWrittenPerEvent, 'rows'),
        fig('oneWorkerPostgresCpu', '1 worker: its PostgreSQL backends\' CPU (share of one core)', one.postgresBackendsCpuPercent, '%'),
        fig('oneWorkerKafkaCpu', '1 worker: Kafka broker CPU (share of one core)', one.kafkaCpuPercent, '%'),
        fig('oneWorkerMachineBusy', '1 worker: machine CPU busy (all cores)', one.machineBusyPercent, '%'),
        fig('twoWorkersEventsPerSecond', '2 workers: committed', round(two.eventsPerSecond), 'events/s'),
        fig('twoWorkersRatio', '2 workers: ratio to raw consume', ratio(two), '×'),
        fig('twoWorkersWallSeconds', '2 workers: wall time incl. start-up', round(two.wallSeconds, 1), 's'),
        fig('twoWorkersPeakRssMiB', '2 workers: peak RSS of each', list(two.peakRssMiB), 'MiB'),
        fig('twoWorkersCpuPercent', '2 workers: CPU of each (share of one core)', list(two.cpuPercentOfCore), '%'),
        fig('twoWorkersCpuPerMillion', '2 workers: CPU-seconds per million events, workers + their PostgreSQL backends', `${two.workerCpuSecondsPerMillion ?? '?'} + ${two.postgresCpuSecondsPerMillion ?? '?'}`, 's'),
        fig('twoWorkersRunQueuePercent', '2 workers: waiting for a CPU, each', list(two.runQueuePercent), '% of wall time'),
        fig('twoWorkersPostgresCpu', '2 workers: their PostgreSQL backends\' CPU (share of one core)', two.postgresBackendsCpuPercent, '%'),
        fig('twoWorkersKafkaCpu', '2 workers: Kafka broker CPU (share of one core)', two.kafkaCpuPercent, '%'),
        fig('twoWorkersMachineBusy', '2 workers: machine CPU busy (all cores)', two.machineBusyPercent, '%'),
      ],
      notes: [
        `the pre-filled topic: ${prefilled.count.toLocaleString('en-US')} events from ${prefilled.distinctUsers.toLocaleString('en-US')} distinct users (--users ${prefilled.users.toLocaleString('en-US')}; the simulator adds users when too few cannot sustain its rate)`,
        ...(ctx.opts.chunkSize === undefined ? [] : [`the workers ran with WORKER_CHUNK_SIZE=${ctx.opts.chunkSize} (--chunk-size): at most that many messages per transaction`]),
        ...(ctx.opts.profile ? [`the 1-worker run was profiled (node --cpu-prof; its figures include the profiler's cost); profiles in ${path.relative(process.cwd(), profileDir)}`] : []),
        `CPU shares are over the wall time (from spawning to the last commit); 100 % = one core of ${ctx.machine.cores}`,
        `rates run from the first commit seen to the last (100 ms polling of partition_state); wall time runs from spawning the processes`,
      ],
    };
  },
};
