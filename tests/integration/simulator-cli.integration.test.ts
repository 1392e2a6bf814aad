import { spawn } from 'node:child_process';
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { config, configSchema } from '@/lib/config';
import { createKafka } from '@/lib/kafka/client';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';
import { ChildProcesses } from '@/tests/support/child-processes';
import { countMessages, deleteTopics, freshTopicName, partitionsByKey, readAll } from './simulator-kafka-helpers';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// A CLI still running when its test ends (failed or timed out; one without --count runs until
// signalled) is stopped: SIGTERM, then SIGKILL.
const clis = new ChildProcesses('the simulator CLI');
afterEach(() => clis.stopAll());

/** Runs the CLI as `npm run simulator` does (tsx), without a TTY. */
function cli(args: string[], env: Record<string, string> = {}, onStart?: (kill: (s: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = clis.start(() =>
      spawn(process.execPath, ['--import', 'tsx', 'simulator/cli.ts', ...args], {
        env: { ...process.env, LOG_LEVEL: 'fatal', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let stdout = '';
    let stderr = '';
    let notified = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!notified && stdout.includes('sending to')) {
        notified = true;
        onStart?.((s) => child.kill(s));
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('the simulator CLI', () => {
  let kafka: Kafka;
  const topics: string[] = [];
  const fresh = () => {
    const t = freshTopicName('cli');
    topics.push(t);
    return t;
  };

  beforeAll(() => {
    kafka = createKafka(config(), 'it-simulator-cli');
  });
  afterAll(async () => {
    await deleteTopics(kafka, topics);
  });

  it('--count N with a fixed seed and start time puts exactly N events on a fresh topic: the replayable sequence', async () => {
    const topic = fresh();
    const run = await cli(['--rate', '5000', '--users', '100', '--seed', '42', '--count', '3000', '--topic', topic, '--start-time', '2023-09-25T14:30:00']);
    // 100 users cannot sustain 5,000 events/s: the CLI says so in one line (it adds users), and nothing else.
    expect(run.stderr).toMatch(/^note: population too small for the rate: [^\n]+\n$/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/sent 3,000 events in [\d.]+ s \([\d,]+ ev\/s\), failed 0; seed 42/);
    expect(await countMessages(kafka, topic)).toBe(3000);

    const read = await readAll(kafka, topic, 3000);
    const expected = createEventSequence({ seed: 42, users: 100, clock: simulatedClock(Date.UTC(2023, 8, 25, 14, 30), 5000) }).take(3000);
    expect(read.map((m) => m.value?.toString()).sort()).toEqual(expected.map((m) => String(m.value)).sort());
    for (const [user, partitions] of partitionsByKey(read)) expect([...partitions], user).toHaveLength(1);
  });

  it('stops after --duration seconds and prints a summary', async () => {
    const run = await cli(['--rate', '200', '--duration', '1', '--topic', fresh()]);
    expect(run.code).toBe(0);
    // The population is SIMULATOR_USERS' default (the test's environment does not set it).
    expect(run.stdout).toMatch(new RegExp(`^sending to it\\.cli\\.[\\w-]+ at 200 ev/s \\(users ${configSchema.shape.SIMULATOR_USERS.parse(undefined).toLocaleString('en-US')}, seed \\d+\\)$`, 'm'));
    expect(run.stdout).toMatch(/sent [\d,]+ events in 1\.\d s/);
  });

  it('stops cleanly on SIGTERM, flushing what it sent', async () => {
    const topic = fresh();
    const run = await cli(['--rate', '1000', '--topic', topic], {}, (kill) => setTimeout(() => kill('SIGTERM'), 1500));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('SIGTERM: stopping');
    const sent = Number(/sent ([\d,]+) events/.exec(run.stdout)?.[1]?.replace(/,/g, ''));
    expect(sent).toBeGreaterThan(0);
    expect(await countMessages(kafka, topic)).toBe(sent);
  });

  it.each([
    [['--rate', 'fast'], /^error: --rate: must be a whole number from 1 to 100000 \(got "fast"\)$/],
    [['--start-time', 'yesterday'], /^error: --start-time: must be an ISO-8601 date-time/],
    [['--bogus'], /^error: unknown flag --bogus$/],
  ])('rejects %j with a one-line error naming the flag, the usage, and exit code 2', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    const [first, blank, usage] = run.stderr.split('\n');
    expect(first).toMatch(message);
    expect(blank).toBe('');
    expect(usage).toMatch(/^usage: npm run simulator -- \[options\]/);
    noStack(run.stderr);
    expect(run.stdout).toBe('');
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--start-time ISO');
  });

  it('says clearly, in one line and without a stack, when Kafka cannot be reached', async () => {
    const run = await cli(['--count', '5'], { KAFKA_BROKERS: '127.0.0.1:1' });
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual(['error: cannot reach Kafka at 127.0.0.1:1 (set KAFKA_BROKERS, or start it with npm run kafka:start)']);
    noStack(run.stderr);
  });

  it('reports a bad environment variable in one line', async () => {
    const run = await cli(['--count', '5'], { KAFKA_BROKERS: 'nonsense' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: invalid configuration: KAFKA_BROKERS=/);
  });
});
