/**
 * `npm run bench`: starts what it needs (a Kafka broker of its own on BENCH_KAFKA_BROKERS, default
 * 127.0.0.1:19392, data in .data/bench; PostgreSQL at DATABASE_URL or embedded), or uses the
 * running stack at KAFKA_BROKERS / DATABASE_URL with --use-running. Every run works in fresh
 * databases and topics of its own and removes them at the end; it stops only what it started.
 * Prints a table and writes bench/results/<timestamp>.json. See docs/BENCHMARKS.md.
 */
// kafkajs logs expected, retried conditions (a topic that exists, a coordinator loading) at ERROR.
process.env.LOG_LEVEL ??= 'fatal';
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

import { parseConfig, type Config } from '@/lib/config';
import { runningBrokerPid } from '@/tooling/infra/kafka-broker';
import { localBrokerDataDir, startStack, type Stack } from '@/tooling/infra/stack';
import { parseHostPort } from '@/lib/wait';
import { createKafka } from '@/lib/kafka/client';
import { runMain, UserFacingError } from '@/lib/run-main';
import { parseBenchArgs, USAGE, UsageError, type BenchOptions, type ScenarioName } from '@/bench/support/args';
import { BenchContext, newRunId } from '@/bench/support/context';
import { adminQuery } from '@/tooling/infra/admin-query';
import { describeMachine, loadAverage } from '@/bench/support/machine';
import { migrate } from '@/tooling/infra/migrate';
import { formatTable, writeReport, type BenchReport, type ScenarioResult } from '@/bench/support/report';
import type { Scenario } from '@/bench/support/scenario';
import { apiLatencyScenario } from '@/bench/scenarios/api-latency';
import { endToEndLatencyScenario } from '@/bench/scenarios/end-to-end-latency';
import { rawConsumeScenario } from '@/bench/scenarios/raw-consume';
import { simulatorScenario } from '@/bench/scenarios/simulator';
import { workerThroughputScenario } from '@/bench/scenarios/worker-throughput';
import path from 'node:path';

const ALL: Record<ScenarioName, Scenario> = {
  simulator: simulatorScenario,
  'raw-consume': rawConsumeScenario,
  'worker-throughput': workerThroughputScenario,
  'api-latency': apiLatencyScenario,
  'end-to-end-latency': endToEndLatencyScenario,
};

const log = (line: string) => console.log(`[bench] ${line}`);

function benchConfig(opts: BenchOptions, mainDb: string): Config {
  const env = { ...process.env };
  if (!opts.useRunning) {
    env.KAFKA_BROKERS = process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:19392';
    env.DATA_DIR = process.env.BENCH_DATA_DIR ?? '.data/bench';
    if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
  }
  const base = parseConfig(env);
  const url = new URL(base.DATABASE_URL);
  url.pathname = `/${mainDb}`;
  return { ...base, DATABASE_URL: url.toString(), LOG_LEVEL: 'fatal' };
}

async function kafkaReachable(cfg: Config): Promise<void> {
  const admin = createKafka(cfg, 'clickstream-bench-probe').admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch {
    throw new UserFacingError(`Kafka at ${cfg.KAFKA_BROKERS.join(',')} (KAFKA_BROKERS) is not reachable; start it or run without --use-running`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

runMain(async () => {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }

  const runId = newRunId();
  const mainDb = `clickstream_bench_${runId}_main`;
  const cfg = benchConfig(opts, mainDb);
  const startedAt = new Date().toISOString();
  log(`run ${runId} (${opts.quick ? 'quick' : 'full'}): Kafka ${cfg.KAFKA_BROKERS.join(',')}, ${opts.useRunning ? 'running stack' : 'stack started as needed'}`);

  let stack: Stack | undefined;
  if (opts.useRunning) {
    await kafkaReachable(cfg);
    await adminQuery(cfg.DATABASE_URL, `CREATE DATABASE "${mainDb}"`).catch((err: unknown) => {
      throw new UserFacingError(`PostgreSQL at DATABASE_URL: ${(err as Error).message}`);
    });
    await migrate(cfg.DATABASE_URL, path.resolve('prisma/migrations'), () => {});
  } else {
    stack = await startStack(cfg, log);
  }

  const kafka = createKafka(cfg, 'clickstream-bench');
  const machine = await describeMachine({ kafkaVersion: cfg.KAFKA_VERSION, kafkaStarted: stack?.kafka === 'started', databaseUrl: cfg.DATABASE_URL });
  const ctx = new BenchContext(runId, opts, cfg, kafka, machine, log);
  ctx.adoptDatabase(mainDb);
  // The broker's CPU is measured when it is a local broker of this project: started by the bench,
  // or already running with its data in DATA_DIR (e.g. --use-running with the test stack's DATA_DIR).
  if (stack?.kafka !== 'external') {
    const { port } = parseHostPort(cfg.KAFKA_BROKERS[0] ?? '');
    ctx.brokerPid = runningBrokerPid(localBrokerDataDir(cfg, port));
  }

  let interrupted = false;
  const cleanup = async () => {
    await ctx.close();
    await stack?.stop();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      interrupted = true;
      log(`${sig}: cleaning up ...`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  const results: ScenarioResult[] = [];
  try {
    for (const name of opts.scenarios) {
      if (interrupted) break;
      const scenario = ALL[name];
      log(`▶ ${scenario.title} ...`);
      const t0 = performance.now();
      const start = loadAverage();
      const base = { name, title: scenario.title, startedAt: new Date().toISOString(), machine };
      try {
        const out = await scenario.run(ctx);
        const r: ScenarioResult = { ...base, status: 'ok', seconds: round1((performance.now() - t0) / 1000), loadAverage: { start, end: loadAverage() }, ...out };
        results.push(r);
        log(`✔ ${scenario.title} (${r.seconds} s)`);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        results.push({ ...base, status: 'failed', seconds: round1((performance.now() - t0) / 1000), loadAverage: { start, end: loadAverage() }, figures: [], notes: [], error: message.split('\n')[0] ?? message });
        log(`✘ ${scenario.title}: ${message}`);
      }
    }
  } finally {
    log('cleaning up ...');
    await cleanup();
  }

  const report: BenchReport = {
    runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    mode: opts.quick ? 'quick' : 'full',
    stack: { kafka: stack?.kafka ?? 'external (--use-running)', postgres: stack?.postgres ?? 'external (--use-running)', brokers: cfg.KAFKA_BROKERS.join(',') },
    parameters: { events: opts.events, users: opts.users },
    machine,
    scenarios: results,
  };
  const file = writeReport(report, opts.out);
  console.log(`\n${formatTable(report)}\n`);
  log(`results written to ${path.relative(process.cwd(), file)}`);
  return results.every((r) => r.status === 'ok') && results.length === opts.scenarios.length ? 0 : 1;
});

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
