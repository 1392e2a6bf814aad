/**
 * Scenario 2, the raw consume limit: a kafkajs consumer group (in its own process, with the
 * worker's consumer settings) that only JSON-parses the pre-filled topic. The ceiling the worker
 * is measured against, in the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnTs, stopChild, tail } from '@/tooling/process/children';
import { waitFor } from '@/lib/wait';
import type { RawConsumeResult } from '@/bench/children/raw-consumer';
import type { BenchContext } from '@/bench/support/context';
import { sharedPrefill, type Prefilled } from '@/bench/support/prefill';
import { busyPercent, machineCpu, sampleMemory } from '@/bench/support/proc';
import { fig, type Scenario } from '@/bench/support/scenario';
import { round } from '@/bench/support/stats';

export interface RawConsume {
  eventsPerSecond: number;
  wallSeconds: number;
  peakRssMiB: number | null;
  cpuSeconds: number | null;
  machineBusyPercent: number | null;
  parseErrors: number;
}

async function measureRawConsume(ctx: BenchContext, prefilled: Prefilled): Promise<RawConsume> {
  const resultFile = path.join(ctx.logDir, `raw-consume-${Date.now()}.json`);
  fs.mkdirSync(ctx.logDir, { recursive: true });
  const cpu0 = machineCpu();
  const started = performance.now();
  const child = ctx.own(
    spawnTs(
      'raw-consumer',
      'bench/children/raw-consumer.ts',
      ctx.childEnv({
        BENCH_TOPIC: prefilled.topic,
        BENCH_GROUP: `bench-${ctx.runId}-raw-${Date.now()}`,
        BENCH_EXPECT: String(prefilled.count),
        BENCH_RESULT_FILE: resultFile,
      }),
      ctx.logDir,
    ),
  );
  const pid = child.process.pid ?? 0;
  const memory = sampleMemory(pid, 100);
  const timeoutMs = Math.max(120_000, (prefilled.count / 2_000) * 1000);
  const finished = (): boolean => {
    if (fs.existsSync(resultFile)) {
      memory.stop();
      return true;
    }
    return child.process.exitCode !== null;
  };
  const ok = await waitFor(() => Promise.resolve(finished()), timeoutMs, 100);
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu1 = machineCpu();
  memory.stop();
  await Promise.race([child.exited, new Promise((r) => setTimeout(r, 15_000))]);
  await stopChild(child, 5_000);
  if (!ok || !fs.existsSync(resultFile)) {
    throw new Error(`the raw consumer did not finish in ${timeoutMs / 1000} s; last lines of its log:\n${tail(child.logFile, 10)}`);
  }
  const r = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as RawConsumeResult;
  return {
    eventsPerSecond: r.count / ((r.doneAtMs - r.firstBatchAtMs) / 1000),
    wallSeconds,
    peakRssMiB: memory.peakMiB(),
    cpuSeconds: memory.cpuSeconds(),
    machineBusyPercent: busyPercent(cpu0, cpu1),
    parseErrors: r.parseErrors,
  };
}

/** The run's raw consume limit, measured once and shared with the worker scenario. */
export function sharedRawConsume(ctx: BenchContext): Promise<RawConsume> {
  return ctx.once('raw-consume', async () => measureRawConsume(ctx, await sharedPrefill(ctx)));
}

export const rawConsumeScenario: Scenario = {
  name: 'raw-consume',
  title: '2 raw consume limit',
  async run(ctx) {
    const p = await sharedPrefill(ctx);
    const r = await sharedRawConsume(ctx);
    return {
      figures: [
        fig('prefillEvents', 'pre-filled topic', p.count, 'events'),
        fig('prefillProducedPerSecond', 'pre-fill produce rate (8 sends in flight)', round(p.producedPerSecond), 'events/s'),
        fig('eventsPerSecond', 'consume + JSON.parse, 1 process', round(r.eventsPerSecond), 'events/s'),
        fig('wallSeconds', 'wall time incl. start-up and group join', round(r.wallSeconds, 1), 's'),
        fig('peakRssMiB', 'peak RSS of the consumer process', r.peakRssMiB, 'MiB'),
        fig('cpuPercentOfCore', 'consumer CPU (share of one core, over wall time)', r.cpuSeconds === null ? null : round((r.cpuSeconds / r.wallSeconds) * 100, 1), '%'),
        fig('eventsPerCpuSecond', 'events per CPU-second of the consumer', r.cpuSeconds === null ? null : round(p.count / r.cpuSeconds), 'events'),
        fig('machineBusyPercent', 'machine CPU busy (all cores)', r.machineBusyPercent, '%'),
      ],
      notes: [
        `${p.distinctUsers.toLocaleString('en-US')} distinct users, ${(p.bytes / p.count).toFixed(0)} bytes per event on average; ${r.parseErrors} parse errors`,
      ],
    };
  },
};
