/**
 * Which sinks the demo runs with. PostgreSQL always; Redis beside it when one answers at
 * REDIS_URL (SINKS unset), or when SINKS asks for it: then a local redis-server is started if
 * none answers and one is installed, and otherwise the demo says the Redis sink is off and why.
 */
import type { Config } from '@/lib/config';
import { redisAnswers, redisServerInstalled, startLocalRedis } from '@/tooling/infra/redis-server';

const LOCAL = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export interface DemoSinks {
  /** The SINKS value for the worker and the web server. */
  sinks: string;
  /** Stops what was started for it (a local redis-server), if anything. */
  stop(): Promise<void>;
}

export async function demoSinks(cfg: Config, asked: string | undefined, logDir: string, say: (line: string) => void): Promise<DemoSinks> {
  const nothing = () => Promise.resolve();
  const host = new URL(cfg.REDIS_URL).hostname;
  const where = `${host}:${new URL(cfg.REDIS_URL).port || '6379'}`;
  if (await redisAnswers(cfg.REDIS_URL)) {
    if (asked === undefined || cfg.SINKS.includes('redis')) {
      say(`Redis answers at ${where}: the worker writes to PostgreSQL and Redis (keys ${cfg.REDIS_KEY_PREFIX}*; SINKS=postgres to leave Redis out)`);
      return { sinks: 'postgres,redis', stop: nothing };
    }
    return { sinks: cfg.SINKS.join(','), stop: nothing };
  }
  if (!cfg.SINKS.includes('redis')) {
    if (asked === undefined) say(`Redis sink off: nothing answers at ${where} (SINKS=postgres,redis starts a local redis-server when one is installed)`);
    return { sinks: 'postgres', stop: nothing };
  }
  if (!LOCAL.has(host)) {
    say(`Redis sink off: SINKS asks for Redis, but nothing answers at ${where}`);
    return { sinks: 'postgres', stop: nothing };
  }
  if (!redisServerInstalled()) {
    say(`Redis sink off: SINKS asks for Redis, nothing answers at ${where}, and redis-server is not installed to start one`);
    return { sinks: 'postgres', stop: nothing };
  }
  say(`starting redis-server on ${where} (data in ${cfg.DATA_DIR}/redis) ...`);
  try {
    const server = await startLocalRedis(cfg.REDIS_URL, cfg.DATA_DIR, logDir);
    return { sinks: 'postgres,redis', stop: () => server.stop() };
  } catch (err) {
    say(`Redis sink off: ${(err as Error).message}`);
    return { sinks: 'postgres', stop: nothing };
  }
}
