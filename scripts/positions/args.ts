/**
 * `npm run positions` flags, parsed with node:util parseArgs and checked with zod; every problem is
 * one line naming the flag. Pure, so it is unit-tested without a database or broker.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `usage: npm run positions -- [list] [--topic T]
       npm run positions -- reset --partition P|--all --to earliest|latest|OFFSET [--topic T] [--force]
       npm run positions -- close-sessions --partition P|--all [--topic T]

Shows or resets the stored positions (partition_state) the worker counts from. A position belongs to
one Kafka cluster and one incarnation of a topic; when the topic was deleted and re-created, or
KAFKA_BROKERS now points at another cluster, the worker refuses the partition and names this command.

  list                  each partition: stored next offset, cluster, Kafka's offsets now, whether refused (default)
  reset                 move the stored position to --to, on the cluster and topic as they are now;
                        the aggregates counted so far stay, the watermark starts afresh, and the
                        partition's open sessions are closed as they stand (final)
  close-sessions        close the open sessions of a partition the worker refuses because they were
                        built with other SESSION_GAP_MS, ALLOWED_LATENESS_MS or WINDOW_SIZE_MS: they
                        become final as they stand; the position stays; later events start new
                        sessions under the settings the worker runs with
  --topic T             the topic (default: TOPIC_EVENTS, clickstream.events)
  --partition P         the partition to reset (or whose sessions to close)
  --all                 every partition of the topic
  --to earliest         count the topic from its earliest offset (what a re-created topic needs)
  --to latest           count only events that arrive from now on
  --to OFFSET           count from this offset
  --force               also move a position that fits Kafka's log and that no worker refuses
                        (without it such a partition is left as it is: moving it would count
                        events twice or skip them)
  -h, --help            show this help`;

const topic = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be 1-249 characters of letters, digits, ".", "_" or "-"');

export type PositionsCommand =
  | { kind: 'help' }
  | { kind: 'list'; topic?: string }
  | { kind: 'reset'; topic?: string; partitions: number[] | 'all'; to: 'earliest' | 'latest' | bigint; force: boolean }
  | { kind: 'close-sessions'; topic?: string; partitions: number[] | 'all' };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parsePositionsArgs(argv: string[]): PositionsCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { topic: { type: 'string' }, partition: { type: 'string' }, all: { type: 'boolean' }, to: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (positionals.length > 1) throw new UsageError(`one command at a time, got: ${positionals.join(' ')}`);
  const command = positionals[0] ?? 'list';
  const t = values.topic === undefined ? undefined : topic.safeParse(values.topic);
  if (t && !t.success) throw new UsageError(`--topic: ${t.error.issues[0]?.message ?? 'is not valid'}`);
  if (command === 'list') {
    for (const flag of ['partition', 'all', 'to', 'force'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag}: only for reset${flag === 'partition' || flag === 'all' ? ' or close-sessions' : ''}`);
    }
    return { kind: 'list', topic: t?.data };
  }
  if (command !== 'reset' && command !== 'close-sessions') throw new UsageError(`unknown command ${JSON.stringify(command)}; expected list, reset or close-sessions`);
  if (values.all && values.partition !== undefined) throw new UsageError('--partition and --all: give one of them');
  if (!values.all && values.partition === undefined) throw new UsageError(`--partition: which partition to ${command === 'reset' ? 'reset' : 'close the sessions of'} (or --all)`);
  let partitions: number[] | 'all' = 'all';
  if (values.partition !== undefined) {
    if (!/^\d{1,9}$/.test(values.partition)) throw new UsageError(`--partition: must be a partition number, got ${JSON.stringify(values.partition)}`);
    partitions = [Number(values.partition)];
  }
  if (command === 'close-sessions') {
    for (const flag of ['to', 'force'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag}: only for reset`);
    return { kind: 'close-sessions', topic: t?.data, partitions };
  }
  if (values.to === undefined) throw new UsageError('--to: where to count from: earliest, latest or an offset');
  let to: 'earliest' | 'latest' | bigint;
  if (values.to === 'earliest' || values.to === 'latest') to = values.to;
  else if (/^\d{1,19}$/.test(values.to)) to = BigInt(values.to);
  else throw new UsageError(`--to: must be earliest, latest or an offset, got ${JSON.stringify(values.to)}`);
  return { kind: 'reset', topic: t?.data, partitions, to, force: values.force === true };
}
