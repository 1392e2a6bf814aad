/**
 * The one configuration module. Every process (web server, worker, simulator, scripts) reads its
 * settings from here; each variable is validated with zod and a bad one produces a single line that
 * names it.
 */
import { z } from 'zod';
// Relative, not @/: the Prisma CLI loads this module (prisma.config.ts) without the alias.
import { SIMULATOR_LIMITS } from './contracts/simulator-control';

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
const topicName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be 1-249 characters of letters, digits, ".", "_" or "-"');

const brokerList = z
  .string()
  .transform((s) => s.split(',').map((b) => b.trim()).filter((b) => b.length > 0))
  .pipe(
    z
      .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each broker must look like host:port'))
      .min(1, 'needs at least one host:port'),
  );

/** `host[:port]` names, comma-separated: `dash.example.com,10.0.0.5:3000,[::1]:3000`. */
const hostList = z
  .string()
  .transform((s) => s.split(',').map((h) => h.trim().toLowerCase()).filter((h) => h.length > 0))
  .pipe(
    z
      .array(
        z
          .string()
          .regex(
            /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/,
            'each entry must be a host name or address with an optional :port (IPv6 in brackets), e.g. dash.example.com,10.0.0.5:3000',
          ),
      )
      .min(1, 'needs at least one host[:port]'),
  );

const postgresUrl = z
  .string()
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'postgresql:' || u.protocol === 'postgres:';
    } catch {
      return false;
    }
  }, 'must be a postgresql:// URL');

/** The storage sinks, comma-separated; PostgreSQL is the record the dashboard reads, so it is always one of them. */
export const SINK_NAMES = ['postgres', 'redis'] as const;
export type SinkName = (typeof SINK_NAMES)[number];
const sinkList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim().toLowerCase()).filter((x) => x.length > 0))
  .pipe(
    z
      .array(z.enum(SINK_NAMES, { error: `each sink must be one of ${SINK_NAMES.join(', ')}` }))
      .min(1, 'needs at least one sink')
      .refine((l) => l.includes('postgres'), 'must include postgres (the record the dashboard reads), e.g. postgres,redis')
      .transform((l) => [...new Set(l)]),
  );

const redisUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
  } catch {
    return false;
  }
}, 'must be a redis:// or rediss:// URL with a host');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(1, 65535).default(3000),
  DATABASE_URL: postgresUrl.default('postgresql://postgres@127.0.0.1:5432/clickstream'),
  KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('clickstream'),
  KAFKA_VERSION: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version like 4.4.0').default('4.4.0'),
  TOPIC_EVENTS: topicName.default('clickstream.events'),
  TOPIC_DLQ: topicName.default('clickstream.events.dlq'),
  TOPIC_LATE: topicName.default('clickstream.events.late'),
  EVENTS_PARTITIONS: int(1, 1000).default(6),
  /** Replicas of each topic the project creates; unset: as many as the cluster has brokers, up to 3. */
  TOPIC_REPLICATION_FACTOR: int(1, 32_767).optional(),
  /** min.insync.replicas of those topics; unset: the replication factor − 1, at least 1. */
  TOPIC_MIN_INSYNC_REPLICAS: int(1, 32_767).optional(),
  WORKER_GROUP_ID: z.string().min(1).max(255, 'must be at most 255 characters').default('clickstream-worker'),
  WINDOW_SIZE_MS: int(1000, 86_400_000)
    .refine((ms) => 86_400_000 % ms === 0, 'must divide a day evenly (e.g. 60000 for one minute)')
    .default(60_000),
  OUT_OF_ORDERNESS_MS: int(0, 86_400_000).default(5_000),
  ALLOWED_LATENESS_MS: int(0, 7 * 86_400_000).default(600_000),
  MAX_FUTURE_MS: int(0, 86_400_000).default(300_000),
  /** A user's consecutive events less than this apart (event time) belong to one session. */
  SESSION_GAP_MS: int(1000, 86_400_000).default(1_800_000),
  /** The longest one statement of the web server's may run; longer ones are cancelled and answered 503. */
  WEB_STATEMENT_TIMEOUT_MS: int(100, 600_000).default(10_000),
  /**
   * Live pushes (Socket.IO) of each kind of room (overview, pipeline, watched users) at most this
   * often: commits within the interval are merged into one push, so this is the floor of commit →
   * browser latency and bounds the web server's re-reads under a stream of commits.
   */
  LIVE_PUSH_INTERVAL_MS: int(50, 60_000).default(250),
  /** How long the users table of a range of several days serves one snapshot of every user's sums (web/queries/users/range-snapshots.ts). */
  USERS_RANGE_SNAPSHOT_TTL_MS: int(0, 3_600_000).default(10_000),
  /** Ranges whose snapshots the web server keeps at once; the least recently used goes. */
  USERS_RANGE_SNAPSHOTS: int(1, 64).default(4),
  WORKER_METRICS_PORT: int(0, 65535).default(9464),
  /** How long the group waits for a silent worker before giving its partitions to another. */
  WORKER_SESSION_TIMEOUT_MS: int(6_000, 300_000).default(30_000),
  /** Batches of different partitions one worker process handles at once. */
  WORKER_CONCURRENCY: int(1, 64).default(3),
  /**
   * The most messages one transaction commits: a partition's batch is cut into chunks of this size.
   * Batches grow with the lag (a partition behind is fetched about 40,000 events at a time,
   * lib/kafka/consumer.ts), so one transaction merges a user's events of a minute, a day and a
   * session into one row each: on the bench's topic 2.29 aggregate rows per event at 5,000, 1.37 at
   * 40,000 (docs/BENCHMARKS.md, issue 15). A caught-up partition commits whatever each fetch brings.
   */
  WORKER_CHUNK_SIZE: int(1, 1_000_000).default(40_000),
  /**
   * What the worker does with a stored position that belongs to another Kafka cluster or another
   * incarnation of the topic: `refuse` the partition (and say how to reset it), or `adopt` the
   * topic as it is now and count it from its earliest offset (the demo, which owns its broker).
   */
  WORKER_ON_POSITION_MISMATCH: z.enum(['refuse', 'adopt']).default('refuse'),
  SIMULATOR_RATE: int(SIMULATOR_LIMITS.rate.min, SIMULATOR_LIMITS.rate.max).default(50),
  /** 15,000 users sustain about 60 events/s (N/250), so the default rate needs no users added. */
  SIMULATOR_USERS: int(SIMULATOR_LIMITS.users.min, SIMULATOR_LIMITS.users.max).default(15_000),
  /** The web server starts its embedded simulator at boot (used by `npm run demo`). */
  SIMULATOR_AUTOSTART: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** When set, the pages, the API, Socket.IO and the worker's /metrics need it (or ADMIN_TOKEN). */
  READ_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it travels in headers and a cookie)')
    .optional(),
  /** The Host names the web server answers to (besides localhost on PORT); unset: HOST on PORT. */
  ALLOWED_HOSTS: hostList.optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Where the worker writes its results: `postgres` (the record), or `postgres,redis` to keep Redis counters beside it. */
  SINKS: sinkList.default(['postgres']),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  /** How long a per-minute key lives after its last write (the per-day keys do not expire). */
  REDIS_MINUTE_TTL_SECONDS: int(60, 366 * 86_400).default(2 * 86_400),
  /** Prefix of every key the Redis sink writes (several pipelines, or tests, can share one Redis). */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 characters of letters, digits, ".", "_", ":" or "-"')
    .default('cs:'),
});

export type Config = z.infer<typeof configSchema>;

/** Variables whose values never appear in messages. */
const SECRET_VARIABLES = new Set(['ADMIN_TOKEN', 'READ_TOKEN', 'DATABASE_URL', 'REDIS_URL']);

/** A configuration problem, with a message fit to print as the only line of output. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates an environment; empty strings count as unset so `FOO= cmd` falls back to the default. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in configSchema.shape && v !== undefined && v !== ''),
  );
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const value = env[name];
    throw new ConfigError(
      `invalid configuration: ${name}=${JSON.stringify(SECRET_VARIABLES.has(name) ? '<hidden>' : value)}: ${issue?.message ?? 'is not valid'}`,
    );
  }
  return result.data;
}

let cached: Config | undefined;

/** The process's configuration, read once from process.env. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
