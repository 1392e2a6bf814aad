/**
 * `npm run simulator -- --rate 2000 --users 500 --seed 42 [--count N] [--duration S] [--topic T]
 * [--start-time ISO]`. Exit codes: 0 done, 1 Kafka/configuration trouble or failed sends, 2 bad
 * flags. SIGINT/SIGTERM stop cleanly (in-flight batches are flushed) and print the summary.
 */
import { config } from '@/lib/config';
import { parseHostPort, canConnect } from '@/lib/wait';
import { createKafka } from '@/lib/kafka/client';
import { runMain, UserFacingError } from '@/lib/run-main';
import { parseCliArgs, USAGE } from './cli-args';
import { createSimulator } from './runner';
import type { SimulatorStatus } from '@/lib/contracts/simulator-control';

const fmt = (n: number) => n.toLocaleString('en-US');

async function reachable(brokers: readonly string[]): Promise<boolean> {
  const results = await Promise.all(brokers.map((b) => parseHostPort(b)).map(({ host, port }) => canConnect(host, port, 3000)));
  return results.some(Boolean);
}

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`error: ${parsed.error}\n\n${USAGE}\n`);
    return 2;
  }
  const opts = parsed.options;
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  // The progress line and summary are this tool's output; routine info logs would only interleave
  // with them. LOG_LEVEL still wins when set.
  process.env.LOG_LEVEL ||= 'warn';
  const cfg = config();
  const brokers = cfg.KAFKA_BROKERS.join(',');
  // A quick TCP probe: kafkajs would otherwise retry for half a minute before saying the same thing.
  if (!(await reachable(cfg.KAFKA_BROKERS))) {
    throw new UserFacingError(`cannot reach Kafka at ${brokers} (set KAFKA_BROKERS, or start it with npm run kafka:start)`);
  }

  const kafka = createKafka(cfg, `${cfg.KAFKA_CLIENT_ID}-simulator`);
  const sim = createSimulator(kafka, cfg, {
    ...(opts.topic !== undefined && { topic: opts.topic }),
    ...(opts.startTimeMs !== undefined && { startTimeMs: opts.startTimeMs }),
    ...(opts.count !== undefined && { maxEvents: opts.count }),
    disorder: { lateFraction: opts.lateFraction, maxDelaySeconds: opts.maxDelaySeconds, invalidFraction: opts.invalidFraction },
    onNotice: (note) => process.stderr.write(`note: ${note}\n`),
  });

  let started: SimulatorStatus;
  try {
    started = await sim.start({
      ...(opts.rate !== undefined && { rate: opts.rate }),
      ...(opts.users !== undefined && { users: opts.users }),
      ...(opts.seed !== undefined && { seed: opts.seed }),
    });
  } catch (err) {
    await sim.close().catch(() => {});
    throw new UserFacingError(`could not start sending to Kafka at ${brokers}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const finished = sim.finished();
  const t0 = performance.now();

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(130); // a second Ctrl-C means "now"
    process.stderr.write(`\n${signal}: stopping, flushing in-flight batches…\n`);
    void sim.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const durationTimer = opts.durationSeconds !== undefined ? setTimeout(() => void sim.stop(), opts.durationSeconds * 1000) : null;
  const tty = process.stdout.isTTY === true;
  const progress = tty
    ? setInterval(() => {
        const s = sim.status();
        process.stdout.write(`\rsent ${fmt(s.sent)}${opts.count ? ` of ${fmt(opts.count)}` : ''}  ${fmt(s.achievedRate)} ev/s  failed ${fmt(s.failed)}   `);
      }, 500)
    : null;
  if (!tty) {
    process.stdout.write(`sending to ${opts.topic ?? cfg.TOPIC_EVENTS} at ${fmt(started.rate)} ev/s (users ${fmt(started.users)}, seed ${started.seed})\n`);
  }

  const final = await finished;
  if (durationTimer) clearTimeout(durationTimer);
  if (progress) clearInterval(progress);
  await sim.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    `${tty ? '\n' : ''}sent ${fmt(final.sent)} events in ${seconds.toFixed(1)} s (${fmt(Math.round(final.sent / Math.max(seconds, 0.001)))} ev/s), failed ${fmt(final.failed)}; seed ${final.seed}\n`,
  );
  if (final.failed > 0) {
    process.stderr.write(`error: ${fmt(final.failed)} events could not be sent: ${final.lastError ?? 'unknown error'}\n`);
    return 1;
  }
  return 0;
}

runMain(main);
