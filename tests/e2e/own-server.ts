/**
 * A web server of a test's own (web/server.ts from the production build that Playwright's webServer
 * made), on a port from 3400-3499, so a test can kill and restart it without touching the shared
 * one. By default it follows this run's topic and worker group, like the shared server.
 */
import path from 'node:path';
import { freePortIn, startWebServer, type WebServerProcess } from '@/tooling/process/web-server';
import { runId, topic, workerGroupId } from './fixtures';

export function ownServerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL === 'fatal' ? 'error' : (process.env.LOG_LEVEL ?? 'warn'),
    TOPIC_EVENTS: topic,
    TOPIC_DLQ: `e2e.${runId}.dlq`,
    TOPIC_LATE: `e2e.${runId}.late`,
    WORKER_GROUP_ID: workerGroupId,
    EVENTS_PARTITIONS: '2',
    SIMULATOR_AUTOSTART: 'false',
    ...extra,
  };
  delete env.ADMIN_TOKEN;
  return env;
}

const logDir = () => path.resolve(process.env.DATA_DIR ?? '.data/test', 'logs', `e2e-${runId}`);

export async function startOwnServer(name: string, env: NodeJS.ProcessEnv, port?: number): Promise<WebServerProcess> {
  return startWebServer({ name, port: port ?? (await freePortIn(3400, 3499)), env, logDir: logDir(), timeoutMs: 120_000 });
}
