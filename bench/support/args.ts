/**
 * `npm run bench` flags: parsed with node:util parseArgs, validated with zod. A bad flag gives one
 * line naming it and the usage text.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const SCENARIOS = ['simulator', 'raw-consume', 'worker-throughput', 'api-latency', 'end-to-end-latency'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const USAGE = `usage: npm run bench -- [--quick] [--use-running] [--only a,b] [--events N] [--users N] [--out FILE] [--no-build] [--keep] [--profile] [--chunk-size N]

  --quick          every scenario at a small size (under 2 minutes in all)
  --use-running    use the Kafka and PostgreSQL at KAFKA_BROKERS / DATABASE_URL instead of starting them
                   (without it: BENCH_KAFKA_BROKERS, default 127.0.0.1:19392, data in .data/bench)
  --only LIST      comma-separated scenarios: ${SCENARIOS.join(', ')}
  --events N       events in the pre-filled topic (default 1000000; 20000 with --quick)
  --users N        distinct users in the pre-filled topic (default 10000; 1000 with --quick)
  --out FILE       where to write the JSON report (default bench/results/<timestamp>.json)
  --no-build       do not run \`next build\` before the web scenarios (uses the existing .next build)
  --keep           keep the bench's databases and topics afterwards (for inspection)
  --profile        run the 1-worker measurement under \`node --cpu-prof\` (profiles in the run's log folder;
                   summarise one with \`npx tsx bench/profile-summary.ts FILE\`); its figures include the profiler's cost
  --chunk-size N   WORKER_CHUNK_SIZE of the measured workers (default: the worker's, 40000); e.g. 200 for a
                   live worker's small transactions
  --help           this text`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const positiveInt = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `--${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `--${name} must be at least ${min}`).max(max, `--${name} must be at most ${max}`));

const flagsSchema = z.object({
  quick: z.boolean().default(false),
  'use-running': z.boolean().default(false),
  only: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0))
    .pipe(z.array(z.enum(SCENARIOS, { message: `--only takes scenarios from: ${SCENARIOS.join(', ')}` })).min(1, '--only needs at least one scenario'))
    .optional(),
  events: positiveInt('events', 1_000, 50_000_000).optional(),
  users: positiveInt('users', 1, 1_000_000).optional(),
  out: z.string().min(1, '--out needs a file name').optional(),
  'no-build': z.boolean().default(false),
  keep: z.boolean().default(false),
  profile: z.boolean().default(false),
  'chunk-size': positiveInt('chunk-size', 1, 1_000_000).optional(),
  help: z.boolean().default(false),
});

export interface BenchOptions {
  quick: boolean;
  useRunning: boolean;
  scenarios: ScenarioName[];
  events: number;
  users: number;
  out: string | undefined;
  build: boolean;
  keep: boolean;
  profile: boolean;
  /** WORKER_CHUNK_SIZE for the measured workers (undefined: the worker's default). */
  chunkSize: number | undefined;
  help: boolean;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        'use-running': { type: 'boolean' },
        only: { type: 'string' },
        events: { type: 'string' },
        users: { type: 'string' },
        out: { type: 'string' },
        'no-build': { type: 'boolean' },
        keep: { type: 'boolean' },
        profile: { type: 'boolean' },
        'chunk-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    // parseArgs's messages are already one line ("Unknown option '--x'...").
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues[0]?.message ?? 'bad arguments');
  const f = parsed.data;
  const selected = new Set<ScenarioName>(f.only ?? SCENARIOS);
  return {
    quick: f.quick,
    useRunning: f['use-running'],
    scenarios: SCENARIOS.filter((s) => selected.has(s)),
    events: f.events ?? (f.quick ? 20_000 : 1_000_000),
    users: f.users ?? (f.quick ? 1_000 : 10_000),
    out: f.out,
    build: !f['no-build'],
    keep: f.keep,
    profile: f.profile,
    chunkSize: f['chunk-size'],
    help: f.help,
  };
}
