/**
 * The simulator CLI's flags: parsed with node:util parseArgs, checked with zod, and every problem
 * reported as one line naming the flag. Pure, so it is unit-tested without spawning a process.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { SIMULATOR_LIMITS } from '@/lib/contracts/simulator-control';
import { parseStartTime } from './clock';

export const USAGE = `usage: npm run simulator -- [options]

Sends realistic clickstream events to Kafka (brokers from KAFKA_BROKERS).

  --rate N              events per second, 1-100000 (default: SIMULATOR_RATE, 20)
  --users N             simulated users, 1-1000000 (default: SIMULATOR_USERS, 15000)
  --seed N              random seed, 0-2147483647; the same seed replays the same users and sessions
  --count N             stop after N events
  --duration S          stop after S seconds
  --topic T             topic to write to (default: TOPIC_EVENTS, clickstream.events)
  --start-time ISO      simulated clock: starts here (UTC unless an offset is given) and ticks 1/rate s
                        per event, so a seed gives the same events, timestamps included
  --late-fraction F     fraction 0-1 of events held back so they arrive out of order (default 0)
  --max-delay S         how long a held-back event waits, at most, in seconds (default 30)
  --invalid-fraction F  fraction 0-1 of messages made invalid, every kind in turn (default 0)
  -h, --help            show this help

Example: npm run simulator -- --rate 2000 --users 500 --seed 42 --count 100000`;

const wholeNumber = (min: number, max: number) =>
  z.string().regex(/^\d+$/, `must be a whole number from ${min} to ${max}`).transform(Number).pipe(z.number().min(min, `must be a whole number from ${min} to ${max}`).max(max, `must be a whole number from ${min} to ${max}`));
const fraction = z.string().regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, 'must be a number from 0 to 1').transform(Number);
const seconds = z.string().regex(/^\d+(\.\d+)?$/, 'must be a positive number of seconds').transform(Number).pipe(z.number().positive('must be a positive number of seconds').max(31_536_000, 'must be at most a year'));

const flagsSchema = z.object({
  rate: wholeNumber(SIMULATOR_LIMITS.rate.min, SIMULATOR_LIMITS.rate.max).optional(),
  users: wholeNumber(SIMULATOR_LIMITS.users.min, SIMULATOR_LIMITS.users.max).optional(),
  seed: wholeNumber(SIMULATOR_LIMITS.seed.min, SIMULATOR_LIMITS.seed.max).optional(),
  count: wholeNumber(1, Number.MAX_SAFE_INTEGER).optional(),
  duration: seconds.optional(),
  topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be 1-249 characters of letters, digits, ".", "_" or "-"').optional(),
  'start-time': z
    .string()
    .transform((s, ctx) => {
      const ms = parseStartTime(s);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 date-time such as 2023-09-25T14:30:00Z' });
        return z.NEVER;
      }
      return ms;
    })
    .optional(),
  'late-fraction': fraction.optional(),
  'max-delay': seconds.optional(),
  'invalid-fraction': fraction.optional(),
  help: z.boolean().optional(),
});

export interface CliOptions {
  rate?: number;
  users?: number;
  seed?: number;
  count?: number;
  durationSeconds?: number;
  topic?: string;
  startTimeMs?: number;
  lateFraction: number;
  maxDelaySeconds: number;
  invalidFraction: number;
  help: boolean;
}

export type CliParse = { ok: true; options: CliOptions } | { ok: false; error: string };

const stringFlags = ['rate', 'users', 'seed', 'count', 'duration', 'topic', 'start-time', 'late-fraction', 'max-delay', 'invalid-fraction'] as const;

export function parseCliArgs(args: readonly string[]): CliParse {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { ...Object.fromEntries(stringFlags.map((f) => [f, { type: 'string' as const }])), help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { ok: false, error: describeParseError(err) };
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = String(issue?.path[0] ?? '');
    const given = values[flag];
    return { ok: false, error: `--${flag}: ${issue?.message ?? 'is not valid'}${typeof given === 'string' ? ` (got ${JSON.stringify(given)})` : ''}` };
  }
  const v = parsed.data;
  return {
    ok: true,
    options: {
      ...(v.rate !== undefined && { rate: v.rate }),
      ...(v.users !== undefined && { users: v.users }),
      ...(v.seed !== undefined && { seed: v.seed }),
      ...(v.count !== undefined && { count: v.count }),
      ...(v.duration !== undefined && { durationSeconds: v.duration }),
      ...(v.topic !== undefined && { topic: v.topic }),
      ...(v['start-time'] !== undefined && { startTimeMs: v['start-time'] }),
      lateFraction: v['late-fraction'] ?? 0,
      maxDelaySeconds: v['max-delay'] ?? 30,
      invalidFraction: v['invalid-fraction'] ?? 0,
      help: v.help ?? false,
    },
  };
}

function describeParseError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const quoted = /'([^']+)'/.exec(e.message ?? '')?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${quoted}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `${/--[\w-]+/.exec(quoted)?.[0] ?? quoted}: ${/does not take an argument/.test(e.message ?? '') ? 'takes no value' : 'needs a value'}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted)} (flags look like --rate 2000)`;
    default:
      return (e.message ?? String(err)).split('\n')[0] ?? 'bad arguments';
  }
}
