/**
 * The production web server (web/server.ts: Next.js + Socket.IO) as a child process of a test or a
 * script: `next build` when no build exists, then `web/server.ts` in its own process group on a port
 * of the caller's choosing, waited for until it answers HTTP. Used by the HTTP fuzz test, the
 * restart and outage browser tests, and the load and soak scripts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnTs, stopChild, tail, type Child } from './children';

export interface WebServerProcess {
  url: string;
  port: number;
  child: Child;
  /** SIGTERM to the process group, then SIGKILL. */
  stop(): Promise<void>;
  /** SIGKILL to the process group, at once (a crash). */
  kill(): Promise<void>;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The first port in [from, to] that is free on the loopback interface. */
export async function freePortIn(from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port from ${from} to ${to}`);
}

// web/ too: the route handlers bundle web/http, web/security and web/live modules.
const BUILD_SOURCES = ['app', 'components', 'lib', 'simulator', 'web', 'next.config.js', 'package.json', 'tsconfig.json'];

/** The newest modification time among the sources Next.js builds from. */
function newestSourceMs(): number {
  let newest = 0;
  const visit = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    else if (st.mtimeMs > newest) newest = st.mtimeMs;
  };
  for (const p of BUILD_SOURCES) visit(path.resolve(p));
  return newest;
}

/** Where `next build` writes: NEXT_DIST_DIR (tests use .next-test) or .next, as next.config.js says. */
export function nextBuildDir(): string {
  return path.resolve(process.env.NEXT_DIST_DIR || '.next');
}

/** Runs `next build` (output in nextBuildDir(), log in logDir/next-build.log); throws with the log's tail. */
export async function runNextBuild(logDir: string): Promise<void> {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'next-build.log');
  const out = fs.openSync(logFile, 'w');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(path.resolve('node_modules/.bin/next'), ['build'], {
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', out, out],
    });
    child.on('exit', (c) => resolve(c));
    child.on('error', () => resolve(127));
  });
  fs.closeSync(out);
  if (code !== 0) throw new Error(`next build failed (exit ${code}); last lines:\n${tail(logFile, 15)}`);
}

/** Runs `next build` when there is no build, when a source is newer than it, or when forced. */
export async function ensureNextBuild(logDir: string, force = false): Promise<void> {
  const buildId = path.join(nextBuildDir(), 'BUILD_ID');
  if (!force && fs.existsSync(buildId) && fs.statSync(buildId).mtimeMs >= newestSourceMs()) return;
  await runNextBuild(logDir);
}

/**
 * Waits until the server answers `GET /api/health` with any HTTP status (a 503 while Kafka is down
 * still means the server is up), or with 200 when `healthy` is set.
 */
async function waitForWebServer(url: string, child: Child, timeoutMs: number, healthy = false, headers: Record<string, string> = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`the web server exited (${child.process.exitCode ?? child.process.signalCode}):\n${tail(child.logFile, 15)}`);
    }
    try {
      const r = await fetch(`${url}/api/health`, { headers, signal: AbortSignal.timeout(5_000) });
      await r.arrayBuffer();
      if (!healthy || r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`the web server at ${url} did not answer in ${timeoutMs / 1000} s (${last}):\n${tail(child.logFile, 15)}`);
}

export interface StartWebServerOptions {
  /** Log file name (without .log) in logDir. */
  name: string;
  port: number;
  /** The whole environment of the server (PORT is set from `port`, HOST from `host`). */
  env: NodeJS.ProcessEnv;
  /** The address it listens on (HOST); 127.0.0.1 by default. It is reached on 127.0.0.1 either way. */
  host?: string;
  /** Headers of the readiness probe (e.g. the READ_TOKEN's Authorization). */
  probeHeaders?: Record<string, string>;
  logDir: string;
  /** Wait for a 200 from /api/health rather than any answer. */
  healthy?: boolean;
  timeoutMs?: number;
}

/** Starts web/server.ts in production mode (the build must exist: see ensureNextBuild). */
export async function startWebServer(o: StartWebServerOptions): Promise<WebServerProcess> {
  const env: NodeJS.ProcessEnv = { ...o.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', HOST: o.host ?? '127.0.0.1', PORT: String(o.port) };
  const child = spawnTs(o.name, 'web/server.ts', env, o.logDir);
  const url = `http://127.0.0.1:${o.port}`;
  const handle: WebServerProcess = {
    url,
    port: o.port,
    child,
    stop: () => stopChild(child, 10_000),
    kill: async () => {
      const pid = child.process.pid;
      if (pid === undefined || child.process.exitCode !== null || child.process.signalCode !== null) return;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await child.exited;
    },
  };
  try {
    await waitForWebServer(url, child, o.timeoutMs ?? 90_000, o.healthy ?? false, o.probeHeaders);
  } catch (err) {
    await handle.kill();
    throw err;
  }
  return handle;
}
