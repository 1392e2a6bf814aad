/**
 * The web server: one HTTP server for Next.js (pages and /api route handlers) and Socket.IO, with
 * the embedded simulator and the live bridge (lib/live/start-live.ts). Listens on HOST:PORT
 * (127.0.0.1 by default). Every response gets a per-request content security policy with a script
 * nonce (lib/http/security-headers.ts). SIGINT/SIGTERM shut down once, in order: stop accepting,
 * stop the simulator, close live connections, Next.js and the database pool.
 */
import http from 'node:http';
import next from 'next';
import { config } from '@/lib/config';
import { prisma } from '@/lib/db/prisma';
import { earlyAnswer } from '@/web/http/early-errors';
import { contentSecurityPolicy, createNonce } from '@/web/http/security-headers';
import { createKafka } from '@/lib/kafka/client';
import { startLive } from '@/web/live/start-live';
import { logger } from '@/lib/log';
import { runMain } from '@/lib/run-main';
import { createSimulator } from '@/simulator/runner';

runMain(async () => {
  const cfg = config();
  const log = logger('web');
  const dev = cfg.NODE_ENV === 'development';
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';

  const app = next({ dev, hostname: cfg.HOST, port: cfg.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();

  const httpServer = http.createServer((req, res) => {
    const nonce = createNonce();
    const csp = contentSecurityPolicy(nonce, req.headers.host, dev);
    // Next.js reads the nonce for its inline scripts from the request's CSP header.
    req.headers['content-security-policy'] = csp;
    req.headers['x-nonce'] = nonce;
    res.setHeader('Content-Security-Policy', csp);
    // Bad percent-encoding and unknown methods: a clear 4xx here, not Next.js's bare 500.
    const early = earlyAnswer(req.method, req.url);
    if (early) {
      res.writeHead(early.status, { ...early.headers, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' });
      res.end(req.method === 'HEAD' ? undefined : early.body);
      return;
    }
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
  log.info({ url: `http://${cfg.HOST}:${cfg.PORT}`, dev }, 'web server listening');

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
