/**
 * The worker's operations endpoint: GET /healthz (the loop is alive, the last commit) and
 * GET /metrics (Prometheus; with READ_TOKEN set it needs `Authorization: Bearer <READ_TOKEN>`, or
 * ADMIN_TOKEN, like the web server's reads; /healthz stays open). Port 0 picks a free port; a taken
 * port is logged, not fatal, so several workers can run on one machine.
 */
import http from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '@/lib/log';
import { readAllowed, type ReadTokens } from '@/lib/access/read-access';

export interface WorkerHealth {
  /** `refusing`: some partition's stored position does not fit its log, or its stored sessions its settings (see `refused`); `retrying`: a step keeps failing. */
  status: 'starting' | 'ok' | 'stalled' | 'refusing' | 'retrying' | 'stopped';
  /** Partitions not counted because their stored position belongs elsewhere or their open sessions were built with other settings, with the reason. */
  refused: { topic: string; partition: number; reason: string; since: string }[];
  /** A step that keeps failing (a commit, a send), while it does. */
  retrying: { what: string; attempt: number; error: string; since: string } | null;
  lastFetchAt: string | null;
  lastCommitAt: string | null;
  eventsPerSecond: number;
  assignment: Record<string, number[]>;
  /**
   * The Redis lane, when SINKS includes redis: its lag (the topic's ends minus its stored offsets;
   * null until first read), a step that keeps failing (Redis down), refused partitions, its last
   * commit and assignment. It never changes `status`: PostgreSQL, the record, does not wait for it.
   */
  redis?: {
    lag: number | null;
    retrying: WorkerHealth['retrying'];
    refused: WorkerHealth['refused'];
    lastCommitAt: string | null;
    assignment: Record<string, number[]>;
  };
}

export async function startHealthServer(port: number, host: string, registry: Registry, health: () => WorkerHealth, log: Logger, tokens: ReadTokens = {}): Promise<http.Server | undefined> {
  const server = http.createServer((req, res) => {
    void (async () => {
      if (req.url === '/metrics' && !readAllowed({ authorization: req.headers.authorization }, tokens)) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
        res.end(JSON.stringify({ error: 'unauthorized: READ_TOKEN is set: send "Authorization: Bearer <READ_TOKEN>" (ADMIN_TOKEN also works)' }));
      } else if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(await registry.metrics());
      } else if (req.url === '/healthz') {
        const h = health();
        res.writeHead(h.status === 'ok' || h.status === 'starting' ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(h));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'not found; try /healthz or /metrics' }));
      }
    })().catch(() => {
      res.writeHead(500).end();
    });
  });
  return new Promise((resolve) => {
    server.once('error', (err) => {
      log.warn({ err: err.message, port }, 'health/metrics endpoint not started');
      resolve(undefined);
    });
    server.listen(port, host, () => {
      const addr = server.address();
      log.info({ port: typeof addr === 'object' && addr ? addr.port : port }, 'health and metrics on /healthz and /metrics');
      resolve(server);
    });
  });
}
