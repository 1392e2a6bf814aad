/**
 * The web server (web/server.ts: Next.js + Socket.IO) for the latency scenarios, as a child process
 * in production mode on a free port, reading the run's main database and watching the run's live
 * topic and worker group. `next build` runs first on full runs (so the figures are for the current
 * source) and whenever no build exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnTs, tail, type Child } from '@/tooling/process/children';
import { freePort, nextBuildDir, runNextBuild } from '@/tooling/process/web-server';
import type { BenchContext } from './context';

export interface WebServer {
  url: string;
  child: Child;
  /** The topic and worker group the server's live side follows. */
  topic: string;
  groupId: string;
  env: NodeJS.ProcessEnv;
  /** When the Next.js build it serves was made. */
  builtAt: string;
}

async function nextBuild(ctx: BenchContext): Promise<void> {
  const built = fs.existsSync(path.join(nextBuildDir(), 'BUILD_ID'));
  const wanted = ctx.opts.build && (!ctx.opts.quick || !built);
  if (!wanted && built) return;
  if (!wanted && !built) throw new Error('no Next.js build and --no-build was given; run `npm run build`');
  ctx.log('building the dashboard (next build) ...');
  await runNextBuild(ctx.logDir);
}

async function waitForHealth(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`the web server exited (${child.process.exitCode}):\n${tail(child.logFile, 15)}`);
    try {
      const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(300);
  }
  throw new Error(`the web server did not become healthy in ${timeoutMs / 1000} s (${last}):\n${tail(child.logFile, 15)}`);
}

/** The database URL with an application_name, so the bench can tell whose backends are whose (pg_stat_activity). */
export function withApplicationName(databaseUrl: string | undefined, name: string): string {
  const url = new URL(databaseUrl ?? '');
  url.searchParams.set('application_name', name);
  return url.toString();
}

/** The application_name of the web server's and the live worker's connections. */
export const WEB_APP_NAME = 'bench-web';
export const WORKER_APP_NAME = 'bench-worker';

/** The run's one web server, started on first use. */
export function sharedWebServer(ctx: BenchContext): Promise<WebServer> {
  return ctx.once('web', async () => {
    await nextBuild(ctx);
    const topic = await ctx.createTopic('live');
    const groupId = `bench-${ctx.runId}-live`;
    const port = Number(process.env.BENCH_WEB_PORT ?? (await freePort()));
    const env = ctx.childEnv({
      HOST: '127.0.0.1',
      PORT: String(port),
      TOPIC_EVENTS: topic,
      TOPIC_DLQ: ctx.topicName('live-dlq'),
      TOPIC_LATE: ctx.topicName('live-late'),
      WORKER_GROUP_ID: groupId,
      SIMULATOR_AUTOSTART: 'false',
    });
    env.DATABASE_URL = withApplicationName(env.DATABASE_URL, WEB_APP_NAME);
    delete env.ADMIN_TOKEN;
    const child = ctx.own(spawnTs('web', 'web/server.ts', env, ctx.logDir));
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, child, 90_000);
    ctx.log(`web server up at ${url}`);
    const builtAt = fs.statSync(path.join(nextBuildDir(), 'BUILD_ID')).mtime.toISOString();
    return { url, child, topic, groupId, env, builtAt };
  });
}
