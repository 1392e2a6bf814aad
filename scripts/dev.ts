/**
 * `npm run dev`: the stack (Kafka, PostgreSQL, migrations), a worker, and the web server in
 * development mode (Next.js hot reload, Socket.IO on the same server). Ctrl-C stops all of it.
 */
import path from 'node:path';
import { config } from '@/lib/config';
import { startStack } from '@/tooling/infra/stack';
import { createKafka } from '@/lib/kafka/client';
import { ensureTopics } from '@/lib/kafka/topics';
import { runMain } from '@/lib/run-main';
import { spawnTs, stopChild, type Child } from '@/tooling/process/children';
import { onShutdown } from '@/lib/shutdown';

runMain(async () => {
  const cfg = config();
  const stack = await startStack(cfg, console.log);
  await ensureTopics(createKafka(cfg, `${cfg.KAFKA_CLIENT_ID}-dev`), cfg);
  const logs = path.resolve(cfg.DATA_DIR, 'logs');
  const env = { ...process.env, NODE_ENV: 'development' as const, NEXT_TELEMETRY_DISABLED: '1' };
  const children: Child[] = [spawnTs('worker', 'worker/main.ts', env, logs), spawnTs('web', 'web/server.ts', env, logs)];
  onShutdown(async () => {
    await Promise.all(children.map((c) => stopChild(c)));
    await stack.stop();
    process.exit(0);
  }, console.log);
  console.log(`dev server on http://${cfg.HOST}:${cfg.PORT} (logs in ${logs}); Ctrl-C stops everything`);
});
