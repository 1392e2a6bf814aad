/**
 * The web server exposed (issue 13, "safe to expose"), against the real production server process
 * (web/server.ts) listening on HOST=0.0.0.0, with the real database and broker:
 * - without ADMIN_TOKEN, control actions are refused (403 naming ADMIN_TOKEN) and the start-up log
 *   says so; reads stay open without READ_TOKEN;
 * - the Host allow-list (default, and ALLOWED_HOSTS) refuses DNS rebinding (`Host: evil.example`
 *   with a matching Origin) for HTTP and for the Socket.IO handshake alike;
 * - READ_TOKEN closes the pages, every /api route and Socket.IO (bearer token, the cookie from
 *   `/?token=`, or the handshake's auth), and ADMIN_TOKEN satisfies it too;
 * - control actions are rate-limited per client address: one client that drains its budget does
 *   not lock out another (a second loopback source address, 127.0.0.2, plays the other client).
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '@/lib/config';
import type { ClientToServerEvents, ServerToClientEvents } from '@/lib/contracts/socket-events';
import { ensureNextBuild, freePortIn, startWebServer, type WebServerProcess } from '@/tooling/process/web-server';

const run = `sec${randomUUID().slice(0, 8)}`;
const READ_TOKEN = `read-${randomUUID()}`;
const ADMIN_TOKEN = `admin-${randomUUID()}`;
const base = config();
const logDir = path.resolve(base.DATA_DIR, 'logs', run);

/** HOST=0.0.0.0, no ADMIN_TOKEN, no READ_TOKEN, the default Host allow-list. */
let exposed: WebServerProcess;
/** HOST=0.0.0.0 with ADMIN_TOKEN, READ_TOKEN and ALLOWED_HOSTS. */
let closed: WebServerProcess;

interface Sent {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** The client's source address (another loopback address plays another client). */
  localAddress?: string;
}
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A raw request, so the Host header is exactly what the test says (fetch would not allow it). */
function send(server: WebServerProcess, req: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${server.port}`, ...req.headers };
    if (req.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(req.body));
    }
    const r = http.request(
      { host: '127.0.0.1', port: server.port, method: req.method ?? 'GET', path: req.path, headers, localAddress: req.localAddress, timeout: 20_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer to ${req.path}`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

const errorOf = (a: Answer) => (JSON.parse(a.text) as { error: { code: string; message: string; field?: string } }).error;
const control = (action: 'start' | 'stop', headers: Record<string, string> = {}, localAddress?: string): Sent => ({
  method: 'POST',
  path: '/api/simulation',
  headers,
  body: JSON.stringify(action === 'start' ? { action, rate: 1, users: 1 } : { action }),
  ...(localAddress === undefined ? {} : { localAddress }),
});

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
interface SocketOptions {
  auth?: Record<string, string>;
  extraHeaders?: Record<string, string>;
}

/** Connects over the websocket transport; resolves with the socket, or with the connect_error's message. */
function tryConnect(server: WebServerProcess, o: SocketOptions = {}): Promise<{ socket?: Client; error?: string }> {
  const socket: Client = connect(`http://127.0.0.1:${server.port}`, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 10_000, ...o });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (err) => {
      socket.close();
      resolve({ error: err.message });
    });
  });
}

/** A connected socket subscribes to the overview and receives its snapshot. */
async function receivesOverview(socket: Client): Promise<void> {
  const update = new Promise<unknown>((resolve) => socket.once('overview:update', resolve));
  const ack = await new Promise((resolve) => socket.emit('subscribe', 'overview', resolve));
  expect(ack).toEqual({ ok: true });
  expect(await update).toBeTypeOf('object');
}

const serverEnv = (name: string, extra: Record<string, string>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'info',
    TOPIC_EVENTS: `${run}-${name}.events`,
    TOPIC_DLQ: `${run}-${name}.dlq`,
    TOPIC_LATE: `${run}-${name}.late`,
    WORKER_GROUP_ID: `${run}-${name}-worker`,
    EVENTS_PARTITIONS: '1',
    SIMULATOR_AUTOSTART: 'false',
    ...extra,
  };
  for (const k of ['ADMIN_TOKEN', 'READ_TOKEN', 'ALLOWED_HOSTS'] as const) if (!(k in extra)) delete env[k];
  return env;
};

/** The pino lines of a server's log whose message starts with SECURITY. */
const securityLines = (server: WebServerProcess): string[] =>
  fs
    .readFileSync(server.child.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"msg":"SECURITY'));

beforeAll(async () => {
  await ensureNextBuild(logDir);
  const exposedPort = await freePortIn(3400, 3449);
  const closedPort = await freePortIn(3450, 3499);
  [exposed, closed] = await Promise.all([
    startWebServer({ name: 'web-exposed', port: exposedPort, host: '0.0.0.0', logDir, env: serverEnv('exposed', {}) }),
    startWebServer({
      name: 'web-closed',
      port: closedPort,
      host: '0.0.0.0',
      logDir,
      env: serverEnv('closed', { ADMIN_TOKEN, READ_TOKEN, ALLOWED_HOSTS: `dash.example.test,127.0.0.2:${closedPort}` }),
      probeHeaders: { authorization: `Bearer ${READ_TOKEN}` },
    }),
  ]);
}, 600_000);

afterAll(async () => {
  await Promise.all([exposed?.stop(), closed?.stop()]);
});

describe('HOST=0.0.0.0 without ADMIN_TOKEN', () => {
  it('says so at start-up, naming ADMIN_TOKEN (and READ_TOKEN for the reads)', () => {
    const lines = securityLines(exposed);
    expect(lines.some((l) => /control actions are refused: the server listens on HOST=0\.0\.0\.0.*set ADMIN_TOKEN/.test(l)), lines.join('\n')).toBe(true);
    expect(lines.some((l) => /READ_TOKEN is not set/.test(l)), lines.join('\n')).toBe(true);
  });

  it('refuses control actions with a 403 naming ADMIN_TOKEN and how to set it, whoever asks', async () => {
    for (const req of [control('start'), control('start', { authorization: 'Bearer some-guess-0123456789' }), control('stop', {}, '127.0.0.2'), control('start', { origin: `http://127.0.0.1:${exposed.port}` })]) {
      const a = await send(exposed, req);
      expect(a.status, JSON.stringify(req.headers)).toBe(403);
      expect(errorOf(a).code).toBe('admin_token_required');
      expect(errorOf(a).message).toMatch(/ADMIN_TOKEN is not set; set ADMIN_TOKEN to a secret of 16\+ characters/);
    }
    const status = await send(exposed, { path: '/api/simulation' });
    expect(status.status).toBe(200);
    expect((JSON.parse(status.text) as { running: boolean }).running).toBe(false);
  });

  it('keeps reads open without READ_TOKEN, on the allowed hosts', async () => {
    for (const host of [`127.0.0.1:${exposed.port}`, `localhost:${exposed.port}`, `0.0.0.0:${exposed.port}`]) {
      expect((await send(exposed, { path: '/api/simulation', headers: { host } })).status, host).toBe(200);
    }
    const page = await send(exposed, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });

  it('refuses DNS rebinding over HTTP: Host evil.example with a matching Origin gets a 421 naming ALLOWED_HOSTS', async () => {
    const evil = `evil.example:${exposed.port}`;
    for (const req of [{ path: '/' }, { path: '/api/users' }, { path: '/api/health' }, control('stop')]) {
      const a = await send(exposed, { ...req, headers: { host: evil, origin: `http://${evil}` } });
      expect(a.status, req.path).toBe(421);
      expect(errorOf(a)).toMatchObject({ code: 'host_not_allowed', field: 'host' });
      expect(errorOf(a).message).toContain(`"${evil}"`);
      expect(errorOf(a).message).toMatch(/add it to ALLOWED_HOSTS/);
    }
    // Another port of an allowed name is another origin.
    expect((await send(exposed, { path: '/api/simulation', headers: { host: `localhost:${exposed.port + 1}` } })).status).toBe(421);
  });

  it('refuses DNS rebinding in the Socket.IO handshake, and accepts the allowed host', async () => {
    const evil = `evil.example:${exposed.port}`;
    const polling = await send(exposed, { path: '/socket.io/?EIO=4&transport=polling', headers: { host: evil, origin: `http://${evil}` } });
    expect(polling.status).toBe(403);
    expect(polling.text).toMatch(/ALLOWED_HOSTS/);
    expect((await send(exposed, { path: '/socket.io/?EIO=4&transport=polling' })).status).toBe(200);

    const refused = await tryConnect(exposed, { extraHeaders: { host: evil, origin: `http://${evil}` } });
    expect(refused.socket).toBeUndefined();
    expect(refused.error).toBeTypeOf('string');

    const ok = await tryConnect(exposed, { extraHeaders: { origin: `http://127.0.0.1:${exposed.port}` } });
    expect(ok.error).toBeUndefined();
    try {
      await receivesOverview(ok.socket as Client);
    } finally {
      ok.socket?.close();
    }
  });
});

describe('HOST=0.0.0.0 with ADMIN_TOKEN, READ_TOKEN and ALLOWED_HOSTS', () => {
  const read = { authorization: `Bearer ${READ_TOKEN}` };

  it('warns about nothing at start-up', () => {
    expect(securityLines(closed)).toEqual([]);
  });

  it('answers only to ALLOWED_HOSTS and the loopback names: HOST itself and other names get a 421', async () => {
    for (const host of ['dash.example.test', `dash.example.test:${closed.port}`, `127.0.0.2:${closed.port}`, `localhost:${closed.port}`, `[::1]:${closed.port}`]) {
      expect((await send(closed, { path: '/api/simulation', headers: { ...read, host } })).status, host).toBe(200);
    }
    for (const host of [`0.0.0.0:${closed.port}`, `127.0.0.2:${closed.port + 1}`, `evil.example:${closed.port}`, 'dash.example.test.evil.example']) {
      const a = await send(closed, { path: '/api/simulation', headers: { ...read, host, origin: `http://${host}` } });
      expect(a.status, host).toBe(421);
      expect(errorOf(a).message).toMatch(/ALLOWED_HOSTS/);
    }
    const polling = await send(closed, { path: '/socket.io/?EIO=4&transport=polling', headers: { ...read, host: `evil.example:${closed.port}` } });
    expect(polling.status).toBe(403);
    expect(polling.text).toMatch(/ALLOWED_HOSTS/);
  });

  it('closes every /api route and the pages without the token, naming READ_TOKEN and never echoing it', async () => {
    for (const p of ['/api/health', '/api/pipeline', '/api/simulation', '/api/users', '/api/users/u1/daily', '/api/users/u1/sessions', '/api/nope']) {
      for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }, { cookie: 'clickstream_read=wrong-token-0123456789' }] as Record<string, string>[]) {
        const a = await send(closed, { path: p, headers });
        expect(a.status, `${p} ${JSON.stringify(headers)}`).toBe(401);
        expect(a.headers['www-authenticate']).toBe('Bearer');
        expect(errorOf(a)).toMatchObject({ code: 'unauthorized', field: 'authorization' });
        expect(errorOf(a).message).toMatch(/READ_TOKEN is set/);
        expect(a.text).not.toContain(READ_TOKEN);
        expect(a.text).not.toContain(ADMIN_TOKEN);
      }
    }
    for (const p of ['/', '/users', '/users/u1']) {
      const a = await send(closed, { path: p });
      expect(a.status, p).toBe(401);
      expect(a.text).toMatch(/READ_TOKEN/);
    }
  });

  it('lets READ_TOKEN or ADMIN_TOKEN read, as a bearer token', async () => {
    for (const token of [READ_TOKEN, ADMIN_TOKEN]) {
      const headers = { authorization: `Bearer ${token}` };
      expect((await send(closed, { path: '/api/users', headers })).status).toBe(200);
      expect((await send(closed, { path: '/api/pipeline', headers })).status).toBe(200);
      expect((await send(closed, { path: '/users', headers })).status).toBe(200);
    }
  });

  it('a visit to /?token= sets a cookie that opens the pages and the API', async () => {
    const wrong = await send(closed, { path: '/?token=wrong-token-0123456789' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const visit = await send(closed, { path: `/users?token=${encodeURIComponent(READ_TOKEN)}&q=abc` });
    expect(visit.status).toBe(303);
    expect(visit.headers.location).toBe('/users?q=abc');
    const setCookie = visit.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/^clickstream_read=[^;]+; Path=\/; .*HttpOnly; SameSite=Lax/);
    const cookie = setCookie.split(';')[0] ?? '';
    const page = await send(closed, { path: '/users?q=abc', headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect((await send(closed, { path: '/api/simulation', headers: { cookie } })).status).toBe(200);
  });

  it('closes Socket.IO without the token; opens it with handshake auth, the cookie or a bearer header', async () => {
    for (const o of [{}, { auth: { token: 'wrong-token-0123456789' } }, { extraHeaders: { cookie: 'clickstream_read=wrong' } }] as SocketOptions[]) {
      const refused = await tryConnect(closed, o);
      expect(refused.socket, JSON.stringify(o)).toBeUndefined();
      expect(refused.error, JSON.stringify(o)).toMatch(/^unauthorized: READ_TOKEN is set/);
    }
    for (const o of [
      { auth: { token: READ_TOKEN } },
      { auth: { token: ADMIN_TOKEN } },
      { extraHeaders: { cookie: `clickstream_read=${encodeURIComponent(READ_TOKEN)}` } },
      { extraHeaders: { authorization: `Bearer ${READ_TOKEN}` } },
    ] as SocketOptions[]) {
      const ok = await tryConnect(closed, o);
      expect(ok.error, JSON.stringify(o)).toBeUndefined();
      try {
        await receivesOverview(ok.socket as Client);
      } finally {
        ok.socket?.close();
      }
    }
  });

  it('control needs ADMIN_TOKEN: READ_TOKEN reads but does not control', async () => {
    const a = await send(closed, control('stop', read));
    expect(a.status).toBe(401);
    expect(errorOf(a).field).toBe('authorization');
    const ok = await send(closed, control('stop', { authorization: `Bearer ${ADMIN_TOKEN}` }, '127.0.0.2'));
    expect(ok.status, ok.text).toBe(200);
  });

  it('rate-limits control per client: one draining its budget does not lock out another', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    let status = 0;
    let sent = 0;
    while (status !== 429 && sent < 40) {
      status = (await send(closed, control('stop', admin))).status;
      sent++;
    }
    expect(status, `still ${status} after ${sent} control actions from 127.0.0.1`).toBe(429);
    const limited = await send(closed, control('stop', admin));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    // Another client (another source address) still has its whole budget.
    const other = await send(closed, control('stop', admin, '127.0.0.2'));
    expect(other.status, other.text).toBe(200);
  });
});
