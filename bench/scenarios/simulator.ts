/**
 * Scenario 1, the simulator (simulator/runner.ts, one process: this one):
 * - full speed: the highest events/s it gets into Kafka (rate set to its maximum, 100,000/s);
 * - the pure event generator alone (no Kafka), to tell generation from sending;
 * - holding 2,000 events/s for 10 s: the achieved rate and the spread of the per-second counts.
 * Counts are events acknowledged by Kafka (status().sent), sampled every second.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fig, type Scenario } from '@/bench/support/scenario';
import { mean, round, stddev } from '@/bench/support/stats';
import { schedSeconds } from '@/bench/support/proc';
import { simulatedClock } from '@/simulator/clock';
import { createSimulator } from '@/simulator/runner';
import { createEventSequence } from '@/simulator/sequence';
import type { BenchContext } from '@/bench/support/context';

const MAX_RATE = 100_000;
const HOLD_RATE = 2_000;
const BIG_BATCH = 10_000;

interface Run {
  seconds: number;
  /** CPU of this process (where the simulator runs) over the run, as a share of one core. */
  cpuPercent: number;
  /** Share of the run this process's main thread was runnable but waiting for a CPU. */
  runQueuePercent: number | null;
  sent: number;
  failed: number;
  perSecond: number[];
}

async function runSimulator(ctx: BenchContext, topic: string, rate: number, seconds: number, maxBatch?: number): Promise<Run> {
  const sim = createSimulator(ctx.kafka, { ...ctx.cfg, TOPIC_EVENTS: topic }, { topic, ...(maxBatch ? { maxBatch } : {}) });
  try {
    await sim.start({ rate, users: 500, seed: 7 });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const sched0 = schedSeconds('self');
    const perSecond: number[] = [];
    let previous = 0;
    for (let i = 1; i <= seconds; i++) {
      // Sleep to the next whole second since the start, so sampling jitter does not accumulate.
      await sleep(Math.max(0, t0 + i * 1000 - performance.now()));
      const sent = sim.status().sent;
      perSecond.push(sent - previous);
      previous = sent;
    }
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuPercent = ((cpu.user + cpu.system) / 1e6 / elapsed) * 100;
    const sched1 = schedSeconds('self');
    const runQueuePercent = sched0 && sched1 ? ((sched1.waiting - sched0.waiting) / elapsed) * 100 : null;
    const atStop = sim.status();
    await sim.stop();
    return { seconds: elapsed, cpuPercent, runQueuePercent, sent: atStop.sent, failed: atStop.failed, perSecond };
  } finally {
    await sim.close();
  }
}

function generatorRate(seconds: number): number {
  const sequence = createEventSequence({ seed: 7, users: 500, clock: simulatedClock(Date.now(), 2_000) });
  let n = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) sequence.next();
    n += 1000;
  }
  return n / ((performance.now() - t0) / 1000);
}

export const simulatorScenario: Scenario = {
  name: 'simulator',
  title: '1 simulator → Kafka',
  async run(ctx) {
    const seconds = ctx.opts.quick ? 3 : 10;
    const generated = generatorRate(ctx.opts.quick ? 1 : 3);
    const maxTopic = await ctx.createTopic('sim-max');
    const max = await runSimulator(ctx, maxTopic, MAX_RATE, seconds);
    // The same with bigger sends (the runner's maxBatch option; its default is 2,000 per send).
    const bigTopic = await ctx.createTopic('sim-max-big');
    const big = await runSimulator(ctx, bigTopic, MAX_RATE, seconds, BIG_BATCH);
    const holdTopic = await ctx.createTopic('sim-hold');
    const hold = await runSimulator(ctx, holdTopic, HOLD_RATE, seconds);

    const maxRate = max.sent / max.seconds;
    const holdRate = hold.sent / hold.seconds;
    // The first second includes connecting and the ramp-up of the token bucket; report it apart.
    const steady = hold.perSecond.slice(1);
    const within = holdRate >= HOLD_RATE * 0.9 && holdRate <= HOLD_RATE * 1.1;
    return {
      figures: [
        fig('generatorEventsPerSecond', 'event generator alone (no Kafka), 500 users', round(generated), 'events/s'),
        fig('maxEventsPerSecond', `full speed into Kafka (rate ${MAX_RATE.toLocaleString('en-US')}, ${seconds} s)`, round(maxRate), 'events/s'),
        fig('maxCpuPercent', 'full speed: simulator process CPU (share of one core)', round(max.cpuPercent, 1), '%'),
        fig('maxRunQueuePercent', 'full speed: simulator waiting for a CPU (runnable, not running)', round(max.runQueuePercent, 1), '% of wall time'),
        fig('maxPerSecondMin', 'full speed: slowest / fastest second', `${Math.min(...max.perSecond)} / ${Math.max(...max.perSecond)}`, 'events'),
        fig('maxEventsPerSecondBigBatch', `full speed with maxBatch ${BIG_BATCH.toLocaleString('en-US')} (runner option; default 2,000)`, round(big.sent / big.seconds), 'events/s'),
        fig('holdTarget', 'target rate', HOLD_RATE, 'events/s'),
        fig('holdAchieved', `achieved over ${seconds} s`, round(holdRate, 1), 'events/s'),
        fig('holdDeviationPercent', 'deviation from target', round(((holdRate - HOLD_RATE) / HOLD_RATE) * 100, 2), '%'),
        fig('holdPerSecondMin', 'per-second count: min / max (from 2nd second)', `${Math.min(...steady)} / ${Math.max(...steady)}`, 'events'),
        fig('holdPerSecondStddev', 'per-second count: standard deviation', round(stddev(steady), 1), 'events'),
        fig('holdWithin10Percent', 'held within ±10%', within ? 'yes' : 'no'),
        fig('failed', 'failed sends (all runs)', max.failed + big.failed + hold.failed, 'events'),
      ],
      notes: [
        `per-second counts at ${HOLD_RATE}/s: ${hold.perSecond.join(', ')} (mean ${round(mean(steady), 1)})`,
        `per-second counts at full speed: ${max.perSecond.join(', ')}; with maxBatch ${BIG_BATCH}: ${big.perSecond.join(', ')}`,
      ],
    };
  },
};
