/**
 * The web server: one HTTP server for Next.js (pages and /api route handlers) and Socket.IO, with
 * the embedded simulator and the live bridge (lib/live/start-live.ts). Listens on HOST:PORT
 * (127.0.0.1 by default). Every response gets a per-request content security policy with a script
 * nonce (lib/http/security-headers.ts). Before Next.js, every request passes the access gate
 * (web/http/access-gate.ts: Host allow-list, READ_TOKEN); on a non-loopback HOST the start-up log
 * says what is open and how to close it. SIGINT/SIGTERM shut down once, in order: stop accepting,
 * stop the simulator, close live connections, Next.js and the database pool.
 */
import http from 'node:http';
import next from 'next';
import { config } from '@/lib/config';
import { prisma } from '@/lib/db/prisma';
import { createAccessGate } from '@/web/http/access-gate';
import { earlyAnswer, type EarlyAnswer } from '@/web/http/early-errors';
import { contentSecurityPolicy, createNonce } from '@/web/http/security-headers';
import { createKafka } from '@/lib/kafka/client';
import { startLive } from '@/web/live/start-live';
import { logger } from '@/lib/log';
import { runMain } from '@/lib/run-main';
import { createSimulator } from '@/simulator/runner';
import { CLIENT_ADDRESS_HEADER } from '@/web/security/client-address';
import { controlAccess, controlRefusedMessage } from '@/web/security/control-access';
import { allowedHosts, formatHosts } from '@/web/security/host-allow-list';
import { isLoopbackHost } from '@/web/security/loopback';

runMain(async () => {
  const cfg = config();
  const log = logger('web');
  const dev = cfg.NODE_ENV === 'development';
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';

  const app = next({ dev, hostname: cfg.HOST, port: cfg.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();

  const gate = createAccessGate(cfg);
  const httpServer = http.createServer((req, res) => {
    const nonce = createNonce();
    const csp = contentSecurityPolicy(nonce, req.headers.host, dev);
    // Next.js reads the nonce for its inline scripts from the request's CSP header.
    req.headers['content-security-policy'] = csp;
    req.headers['x-nonce'] = nonce;
    res.setHeader('Content-Security-Policy', csp);
    // The rate limits' key; always overwritten, so a client cannot pick its own.
    req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? 'unknown';
    const answer = (a: EarlyAnswer) => {
      res.writeHead(a.status, { ...a.headers, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' });
      res.end(req.method === 'HEAD' ? undefined : a.body);
    };
    // A Host not on the allow-list (DNS rebinding), a missing READ_TOKEN: refused before anything else.
    const refused = gate(req.method, req.url, req.headers);
    if (refused) return answer(refused);
    // Bad percent-encoding and unknown methods: a clear 4xx here, not Next.js's bare 500.
    const early = earlyAnswer(req.method, req.url);
    if (early) return answer(early);
    handle(req, res).catch((err: unknown) => {
      log.error({ err, url: req.url }, 'request handler failed');
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json');
      }
      res.end(JSON.stringify({ error: { code: 'internal', message: 'internal error' } }));
    });
  });

  const kafka = createKafka(cfg, `${cfg.KAFKA_CLIENT_ID}-web`);
  const simulator = createSimulator(kafka, cfg);
  const live = startLive({ httpServer, cfg, kafka, simulator, log });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(cfg.PORT, cfg.HOST, () => resolve());
  });
  log.info({ url: `http://${cfg.HOST}:${cfg.PORT}`, dev, allowedHosts: formatHosts(allowedHosts(cfg.HOST, cfg.PORT, cfg.ALLOWED_HOSTS)), readToken: cfg.READ_TOKEN !== undefined }, 'web server listening');
  if (controlAccess(cfg.HOST, cfg.ADMIN_TOKEN) === 'refused') log.warn(`SECURITY: ${controlRefusedMessage(cfg.HOST)}`);
  if (!isLoopbackHost(cfg.HOST) && cfg.READ_TOKEN === undefined) {
    log.warn(`SECURITY: HOST=${cfg.HOST} is not a loopback address and READ_TOKEN is not set: the pages, the API and the live updates are open to anyone who can reach this server; set READ_TOKEN (16+ characters) to close them`);
  }

  if (cfg.SIMULATOR_AUTOSTART) {
    live.runtime.simulation
      .start({ rate: cfg.SIMULATOR_RATE, users: cfg.SIMULATOR_USERS })
      .then(() => live.runtime.simulatorChanged())
      .catch((err: unknown) => log.error({ err }, 'could not start the simulator'));
  }

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    stopping ??= (async () => {
      log.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        log.warn('shutdown took too long; exiting');
        process.exit(1);
      }, 10_000);
      force.unref();
      await simulator.close().catch((err: unknown) => log.warn({ err }, 'simulator close failed'));
      await live.close(); // closes Socket.IO and the HTTP server
      httpServer.closeAllConnections();
      await app.close().catch(() => undefined);
      await prisma().$disconnect().catch(() => undefined);
      clearTimeout(force);
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
});
