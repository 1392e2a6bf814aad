/**
 * The SIGKILL tests' harness: two worker processes in one group, simulator events produced in
 * slices of 2,000 until the kills are over (so every kill lands mid-run, and at least 40,000
 * events in all), and one worker SIGKILLed and restarted per round, each time only once the sinks
 * committed more since the last kill. Once a test's cleanup begins (it passed, failed or timed
 * out), the run starts no more workers and produces no more: they would outlive the test.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { expect } from 'vitest';
import type { Config } from '@/lib/config';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { waitFor } from '@/lib/wait';
import { simulatedClock } from '@/simulator/clock';
import { createEventSequence } from '@/simulator/sequence';
import { produce, spawnWorker, stopWorker, waitForExit } from './pipeline';

export interface KillRunOptions {
  env: Record<string, string>;
  kafka: Kafka;
  cfg: Config;
  /** The simulator's seed and the event time it starts at. */
  seed: number;
  startIso: string;
  /** Where the run registers what the test's afterEach must undo. */
  cleanups: (() => Promise<void>)[];
  /** What each sink has committed so far (summed next offsets): a kill waits until every one grew. */
  committed: () => Promise<readonly number[]>;
  rounds?: number;
}

/** Runs the kills; resolves with every event produced, once producing is over, and what was committed after each kill. */
export async function killRun(o: KillRunOptions): Promise<{ events: ClickstreamEvent[]; afterKills: (readonly number[])[] }> {
  let over = false;
  const respawn = () => {
    if (over) throw new Error('the test is over (failed or timed out): not restarting a worker');
    return spawnWorker(o.env);
  };
  const workers: ChildProcess[] = [respawn(), respawn()];
  o.cleanups.push(async () => {
    over = true;
    await Promise.all(workers.map((w) => stopWorker(w)));
  });

  const sequence = createEventSequence({ seed: o.seed, users: 500, clock: simulatedClock(Date.parse(o.startIso), 200) });
  const events: ClickstreamEvent[] = [];
  let killing = true;
  const producing = (async () => {
    while (!over && (killing || events.length < 40_000)) {
      const batch = sequence.take(2000);
      await produce(o.kafka, o.cfg.TOPIC_EVENTS, batch.map((m) => ({ key: m.key, value: m.value })));
      events.push(...batch.map((m) => m.event as ClickstreamEvent));
      await sleep(250);
    }
  })();
  o.cleanups.push(async () => {
    over = true;
    await producing.catch(() => {}); // before the topics go; a failure here was the test's to report
  });

  const afterKills: (readonly number[])[] = [];
  for (let round = 0; round < (o.rounds ?? 6); round++) {
    const before = await o.committed();
    const moved = await waitFor(async () => (await o.committed()).every((n, k) => n > (before[k] ?? 0)), 90_000, 100);
    expect(moved, `every sink made progress before kill ${round + 1}`).toBe(true);
    await sleep(Math.random() * 300);
    const i = round % 2;
    workers[i]?.kill('SIGKILL');
    await waitForExit(workers[i] as ChildProcess);
    afterKills.push(await o.committed());
    workers[i] = respawn();
  }
  killing = false;
  await producing;
  return { events, afterKills };
}
