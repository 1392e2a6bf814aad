/**
 * `npm run demo`: the whole system on this machine. Starts Kafka and PostgreSQL (or uses the ones
 * configured), migrates, builds the dashboard, starts the worker and the web server (which runs
 * the simulator at a modest rate), prints the URL and a live status line. Ctrl-C or SIGTERM stops
 * everything it started.
 */
import path from 'node:path';
import { config } from '@/lib/config';
import { startStack } from '@/tooling/infra/stack';
import { waitFor } from '@/lib/wait';
import { createKafka } from '@/lib/kafka/client';
import { ensureTopics } from '@/lib/kafka/topics';
import { runMain, UserFacingError } from '@/lib/run-main';
import { spawnTs, stopChild, tail, type Child } from '@/tooling/process/children';
import { acquireLock } from '@/tooling/process/lock';
import { onShutdown } from '@/lib/shutdown';
import { runNextBuild } from '@/tooling/process/web-server';
import { canConnect } from '@/lib/wait';
import { drainSimulator } from './demo-drain';
import { demoSinks, type DemoSinks } from './demo-redis';
import { formatStatusLine, readPipelineStatus } from './demo-status';

const say = (line: string) => process.stdout.write(`${line}\n`);

runMain(async () => {
  const cfg = config();
  const url = `http://${cfg.HOST.includes(':') ? `[${cfg.HOST}]` : cfg.HOST}:${cfg.PORT}`;
  const lock = acquireLock(path.resolve(cfg.DATA_DIR, 'demo.lock'), { pid: process.pid, url });
  if (!lock.ok) {
    throw new UserFacingError(`a demo is already running (pid ${lock.holder.pid}) at ${lock.holder.url}; stop it with Ctrl-C in its terminal or \`kill ${lock.holder.pid}\``);
  }
  if (await canConnect(cfg.HOST, cfg.PORT)) {
    lock.release();
    throw new UserFacingError(`port ${cfg.PORT} on ${cfg.HOST} is already in use; stop what uses it or set PORT`);
  }

  const children: Child[] = [];
  let statusTimer: NodeJS.Timeout | undefined;
  const started: { stack?: Awaited<ReturnType<typeof startStack>>; redis?: DemoSinks } = {};
  let stopping = false;
  let healthy = false;
  const shutdown = onShutdown(async () => {
    stopping = true;
    if (statusTimer) clearInterval(statusTimer);
    if (process.stdout.isTTY) process.stdout.write('\n');
    if (healthy) await drainSimulator(url, cfg.ADMIN_TOKEN, say);
    say('stopping the web server and the worker ...');
    await Promise.all(children.map((c) => stopChild(c)));
    await started.redis?.stop();
    if (started.stack) {
      say('stopping what the demo started ...');
      await started.stack.stop();
    }
    lock.release();
    say('stopped.');
    process.exit(process.exitCode ?? 0);
  });

  try {
    say('starting Kafka and PostgreSQL ...');
    const stack = await startStack(cfg, say);
    started.stack = stack;
    const kafka = createKafka(cfg, `${cfg.KAFKA_CLIENT_ID}-demo`);
    await ensureTopics(kafka, cfg);

    const logs = path.resolve(cfg.DATA_DIR, 'logs');
    say('building the dashboard (next build) ...');
    try {
      await runNextBuild(logs);
    } catch (err) {
      throw new UserFacingError((err as Error).message);
    }

    // The demo owns its local broker and its database: when the broker is a new one (another checkout,
    // or .data removed) while the database keeps positions of the old one, the worker counts the new
    // topic from its start and keeps what was counted before, and says so in its log. Against a
    // broker that is not the demo's own, a position that does not fit is refused, as everywhere.
    const onMismatch = process.env.WORKER_ON_POSITION_MISMATCH ?? (stack.kafka === 'external' ? 'refuse' : 'adopt');
    // PostgreSQL always; Redis beside it when one answers (or SINKS asks and redis-server can start one).
    const redis = await demoSinks(cfg, process.env.SINKS || undefined, logs, say);
    started.redis = redis;
    const env = { ...process.env, NODE_ENV: 'production' as const, NEXT_TELEMETRY_DISABLED: '1', WORKER_ON_POSITION_MISMATCH: onMismatch, SINKS: redis.sinks };
    children.push(spawnTs('worker', 'worker/main.ts', env, logs));
    children.push(spawnTs('web', 'web/server.ts', { ...env, SIMULATOR_AUTOSTART: 'true' }, logs));
    for (const c of children) {
      void c.exited.then((code) => {
        if (stopping) return;
        process.exitCode = 1;
        say(`\n${c.name} exited unexpectedly (code ${code}); last lines of ${c.logFile}:\n${tail(c.logFile)}`);
        void shutdown(`${c.name} exited`);
      });
    }

    const up = await waitFor(async () => (await fetch(`${url}/api/health`).catch(() => undefined))?.ok === true, 120_000, 500);
    if (!up) {
      process.exitCode = 1;
      say(`the web server did not become healthy; see ${logs}/web.log:\n${tail(path.join(logs, 'web.log'))}`);
      await shutdown('not healthy');
      return;
    }
    healthy = true;
    say(`\nDashboard: ${url}\nLogs: ${logs}/{worker,web}.log · Kafka ${cfg.KAFKA_BROKERS.join(',')} (${stack.kafka}) · PostgreSQL (${stack.postgres})\nPress Ctrl-C to stop.\n`);
    if (process.stdout.isTTY) {
      statusTimer = setInterval(() => {
        void readPipelineStatus(url).then((s) => process.stdout.write(`\r\x1b[2K${formatStatusLine(s)}`));
      }, 1000);
    }
  } catch (err) {
    // Whatever fails on the way up, stop what was already started (the broker, children) first.
    process.exitCode = 1;
    say(`error: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown('start-up failed');
  }
});
