/**
 * `npm run load`: many Socket.IO clients subscribed at once while closed-loop HTTP load runs on
 * the API and the pages. Prints p50/p99 latency and requests per endpoint, the socket figures and
 * every error (HTTP non-2xx or failed requests, socket connect/subscribe errors, disconnects);
 * exits 1 when there was any error.
 *
 * Without --url it starts what it needs: a Kafka broker on its own port (LOAD_KAFKA_BROKERS,
 * default 127.0.0.1:19492, data in .data/load), a fresh database on the PostgreSQL server at
 * DATABASE_URL seeded with modest data (bench/support/seed.ts: set-based SQL), and the production web
 * server on a port from 3440-3499; all of it is stopped and dropped at the end. With --url it
 * loads a running server instead (loopback only) and starts nothing.
 */
import path from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import { runLoad, type LoadResult } from '@/bench/support/load';
import { seedDatabase, seedUserId } from '@/bench/support/seed';
import { summarize } from '@/bench/support/stats';
import type { ClientToServerEvents, Room, ServerToClientEvents, SubscribeAck } from '@/lib/contracts/socket-events';
import { runMain } from '@/lib/run-main';
import { ensureNextBuild, freePortIn, startWebServer, type WebServerProcess } from '@/tooling/process/web-server';
import { startOwnStack, type OwnStack } from '@/scripts/support/own-stack';

const USAGE = `usage: npm run load -- [--quick] [--clients N] [--seconds S] [--connections C] [--users N] [--url URL]

  --quick          small: 100 clients, 10 s, 2 HTTP loops per endpoint
  --clients N      Socket.IO clients subscribed at once (default 500)
  --seconds S      how long the HTTP load runs (default 30)
  --connections C  closed-loop HTTP connections per endpoint (default 4)
  --users N        users seeded into the run's database (default 2000; not with --url)
  --url URL        load a running web server (http://127.0.0.1:PORT) instead of starting one`;

const whole = (flag: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `--${flag} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `--${flag} must be at least ${min}`).max(max, `--${flag} must be at most ${max}`));

const flagsSchema = z.object({
  quick: z.boolean().default(false),
  clients: whole('clients', 1, 5000).optional(),
  seconds: whole('seconds', 1, 3600).optional(),
  connections: whole('connections', 1, 64).optional(),
  users: whole('users', 10, 1_000_000).optional(),
  url: z
    .string()
    .refine((s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'http:' || u.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
      } catch {
        return false;
      }
    }, '--url must be an http:// URL on the loopback interface, e.g. http://127.0.0.1:3000')
    .optional(),
  help: z.boolean().default(false),
});

interface Options {
  clients: number;
  seconds: number;
  connections: number;
  users: number;
  url: string | undefined;
  quick: boolean;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | 'help' {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        clients: { type: 'string' },
        seconds: { type: 'string' },
        connections: { type: 'string' },
        users: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues[0]?.message ?? 'bad arguments');
  const f = parsed.data;
  if (f.help) return 'help';
  if (f.url !== undefined && f.users !== undefined) throw new UsageError('--users seeds a database of the run; it cannot be used with --url');
  return {
    quick: f.quick,
    clients: f.clients ?? (f.quick ? 100 : 500),
    seconds: f.seconds ?? (f.quick ? 10 : 30),
    connections: f.connections ?? (f.quick ? 2 : 4),
    users: f.users ?? (f.quick ? 200 : 2000),
    url: f.url?.replace(/\/$/, ''),
  };
}

const log = (line: string) => console.log(`[load] ${line}`);

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

interface SocketFigures {
  clients: number;
  connected: number;
  connectErrors: number;
  subscribeErrors: number;
  disconnects: number;
  updates: number;
  minUpdatesPerClient: number;
  connectMs: ReturnType<typeof summarize>;
  subscribeMs: ReturnType<typeof summarize>;
  errorSamples: string[];
}

/** Connects `n` clients at once; each joins overview + pipeline, every 10th also a user room. */
async function connectClients(url: string, n: number, userIds: string[]) {
  const connectLatencies: number[] = [];
  const subscribeLatencies: number[] = [];
  const errorSamples: string[] = [];
  const sample = (e: string) => {
    if (errorSamples.length < 5) errorSamples.push(e);
  };
  let connectErrors = 0;
  let subscribeErrors = 0;
  let disconnects = 0;
  let closing = false;
  const updates: number[] = new Array<number>(n).fill(0);
  const clients: Client[] = [];

  const subscribe = (s: Client, room: Room) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const timer = setTimeout(() => {
        subscribeErrors++;
        sample(`subscribe ${room}: no answer within 20 s`);
        resolve();
      }, 20_000);
      s.emit('subscribe', room, (ack: SubscribeAck) => {
        clearTimeout(timer);
        if (!ack.ok) {
          subscribeErrors++;
          sample(`subscribe ${room}: ${ack.error}`);
        } else subscribeLatencies.push(performance.now() - t0);
        resolve();
      });
    });

  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const s: Client = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 30_000 });
      clients.push(s);
      const t0 = performance.now();
      const ok = await new Promise<boolean>((resolve) => {
        s.once('connect', () => resolve(true));
        s.once('connect_error', (err) => {
          sample(`connect: ${err.message}`);
          resolve(false);
        });
      });
      if (!ok) {
        connectErrors++;
        return;
      }
      connectLatencies.push(performance.now() - t0);
      s.on('disconnect', (reason) => {
        if (closing) return;
        disconnects++;
        sample(`disconnect: ${reason}`);
      });
      const count = () => void (updates[i] = (updates[i] ?? 0) + 1);
      s.on('overview:update', count);
      s.on('pipeline:update', count);
      s.on('user:update', count);
      const rooms: Room[] = ['overview', 'pipeline'];
      if (i % 10 === 0 && userIds.length > 0) rooms.push(`user:${userIds[i % userIds.length]}`);
      await Promise.all(rooms.map((r) => subscribe(s, r)));
    }),
  );

  return {
    figures(): SocketFigures {
      return {
        clients: n,
        connected: clients.filter((c) => c.connected).length,
        connectErrors,
        subscribeErrors,
        disconnects,
        updates: updates.reduce((a, b) => a + b, 0),
        minUpdatesPerClient: updates.reduce((a, b) => Math.min(a, b), Infinity),
        connectMs: summarize(connectLatencies),
        subscribeMs: summarize(subscribeLatencies),
        errorSamples,
      };
    },
    close() {
      closing = true;
      for (const c of clients) c.disconnect();
    },
  };
}

/** Users to drive the per-user endpoints with: seeded, or (with --url) the server's first page of users. */
async function pickUsers(url: string, seeded: number | undefined): Promise<string[]> {
  if (seeded !== undefined) return Array.from({ length: Math.min(seeded, 500) }, (_, i) => seedUserId(i + 1));
  const r = await fetch(`${url}/api/users?limit=200`);
  if (!r.ok) throw new Error(`GET /api/users answered ${r.status}`);
  const body = (await r.json()) as { rows: { userId: string }[] };
  return body.rows.map((x) => x.userId);
}

const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(1));

runMain(async () => {
  let opts: Options;
  try {
    const o = parseOptions(process.argv.slice(2));
    if (o === 'help') {
      console.log(USAGE);
      return 0;
    }
    opts = o;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }

  let stack: OwnStack | undefined;
  let web: WebServerProcess | undefined;
  const cleanup = async () => {
    await web?.stop();
    await stack?.stop();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: cleaning up ...`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    let url = opts.url;
    let seeded: number | undefined;
    if (url === undefined) {
      const dataDir = path.resolve(process.env.LOAD_DATA_DIR ?? '.data/load');
      stack = await startOwnStack({ name: 'load', dataDir, kafkaBrokers: process.env.LOAD_KAFKA_BROKERS ?? '127.0.0.1:19492', log });
      log(`seeding ${opts.users} users × 7 days ...`);
      const seed = await seedDatabase(stack.cfg.DATABASE_URL, opts.users, 7, 4);
      seeded = opts.users;
      log(`seeded ${seed.rows.userDaily} user-days in ${seed.seconds.toFixed(1)} s`);
      const logDir = path.join(dataDir, 'logs', stack.runId);
      await ensureNextBuild(logDir);
      const port = await freePortIn(3440, 3499);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
          LOG_LEVEL: 'warn',
          DATA_DIR: dataDir,
          KAFKA_BROKERS: stack.cfg.KAFKA_BROKERS.join(','),
          DATABASE_URL: stack.cfg.DATABASE_URL,
          TOPIC_EVENTS: `load.${stack.runId}.events`,
          TOPIC_DLQ: `load.${stack.runId}.dlq`,
          TOPIC_LATE: `load.${stack.runId}.late`,
          WORKER_GROUP_ID: `load-${stack.runId}`,
          EVENTS_PARTITIONS: '2',
          SIMULATOR_AUTOSTART: 'false',
      };
      delete env.ADMIN_TOKEN;
      web = await startWebServer({ name: 'web', port, logDir, healthy: true, env });
      url = web.url;
      log(`web server up at ${url} (log ${web.child.logFile})`);
    }

    const users = await pickUsers(url, seeded);
    const user = (i: number) => encodeURIComponent(users[i % users.length] ?? 'none');
    const endpoints: { name: string; url: (i: number) => string }[] = [
      { name: 'GET /', url: () => `${url}/` },
      { name: 'GET /users', url: () => `${url}/users` },
      { name: 'GET /api/users', url: () => `${url}/api/users` },
      { name: 'GET /api/pipeline', url: () => `${url}/api/pipeline` },
    ];
    if (users.length > 0) {
      endpoints.push({ name: 'GET /users/<id>', url: (i) => `${url}/users/${user(i)}` }, { name: 'GET /api/users/<id>/daily', url: (i) => `${url}/api/users/${user(i * 7)}/daily` });
    } else log('no users on the server: the per-user endpoints are left out');

    log(`connecting ${opts.clients} Socket.IO clients at once ...`);
    const sockets = await connectClients(url, opts.clients, users);
    const afterConnect = sockets.figures();
    log(`${afterConnect.connected}/${opts.clients} connected (p50 ${fmt(afterConnect.connectMs.p50)} ms, p99 ${fmt(afterConnect.connectMs.p99)} ms); HTTP load for ${opts.seconds} s, ${opts.connections} connection(s) per endpoint ...`);

    const results: { name: string; r: LoadResult }[] = await Promise.all(
      endpoints.map(async (e) => ({ name: e.name, r: await runLoad({ url: e.url, connections: opts.connections, seconds: opts.seconds, warmupSeconds: opts.quick ? 1 : 3 }) })),
    );
    await sleep(1000);
    const s = sockets.figures();
    sockets.close();

    const httpErrors = results.reduce((a, x) => a + x.r.errors, 0);
    const requests = results.reduce((a, x) => a + x.r.count + x.r.errors, 0);
    // A client neither connected at the end nor counted as failed or disconnected is an error too.
    const socketErrors = s.connectErrors + s.subscribeErrors + s.disconnects + Math.max(0, s.clients - s.connectErrors - s.connected - s.disconnects);
    const pad = (v: string, n: number) => v.padEnd(n);
    console.log('');
    console.log(`${pad('endpoint', 28)}${pad('requests', 10)}${pad('req/s', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}errors`);
    for (const { name, r } of results) {
      const statuses = Object.entries(r.statuses).filter(([k]) => !k.startsWith('2')).map(([k, v]) => `${k}×${v}`).join(' ');
      console.log(`${pad(name, 28)}${pad(String(r.count + r.errors), 10)}${pad(String(r.requestsPerSecond), 9)}${pad(fmt(r.p50), 9)}${pad(fmt(r.p99), 9)}${r.errors}${statuses ? ` (${statuses})` : ''}`);
    }
    console.log('');
    console.log(`socket.io: ${s.clients} clients, ${s.connected} connected at the end, connect p50 ${fmt(s.connectMs.p50)} ms p99 ${fmt(s.connectMs.p99)} ms, subscribe p50 ${fmt(s.subscribeMs.p50)} ms p99 ${fmt(s.subscribeMs.p99)} ms`);
    console.log(`socket.io: ${s.updates} live updates received (at least ${Number.isFinite(s.minUpdatesPerClient) ? s.minUpdatesPerClient : 0} per client); connect errors ${s.connectErrors}, subscribe errors ${s.subscribeErrors}, disconnects ${s.disconnects}`);
    for (const e of s.errorSamples) console.log(`  socket error sample: ${e}`);
    console.log(`machine: ${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load generator, server${stack ? ', Kafka and PostgreSQL' : ''} on the same machine`);
    const summary = { requests, httpErrors, socketClients: s.clients, socketErrors, updates: s.updates };
    console.log(`result: ${JSON.stringify(summary)}`);
    const ok = httpErrors === 0 && socketErrors === 0 && requests > 0;
    console.log(ok ? 'load: OK, no errors' : `load: FAILED, ${httpErrors} HTTP error(s), ${socketErrors} socket error(s)`);
    return ok ? 0 : 1;
  } finally {
    await cleanup();
  }
});
