/**
 * The simulator as a long-lived service: paces the pure event sequence with a token bucket and
 * sends it to Kafka in batches. The web server embeds one (controlled through SimulatorControl);
 * the CLI runs one to completion.
 *
 * Pacing: a timer ticks every few milliseconds and adds rate × elapsed tokens; each whole token
 * becomes one event. Events wait in a buffer and go out in batches, one send at a time (see
 * producer.ts). When Kafka falls behind, the buffer fills, generation pauses and the bucket is
 * capped, so a slow broker lowers the achieved rate instead of growing memory.
 */
import { randomInt } from 'node:crypto';
import type { Kafka, Message, RetryOptions } from 'kafkajs';
import type { Config } from '@/lib/config';
import { createEventProducer } from '@/lib/kafka/producer';
import { ensureTopic } from '@/lib/kafka/topics';
import { logger } from '@/lib/log';
import { simulatedClock, wallClock, type EventClock } from './clock';
import type { DisorderOptions } from './disorder';
import { createEventSequence, type EventSequence } from './sequence';
import { populationNote } from './session-model';
import { simulatorStartSchema, type SimulatorControl, type SimulatorStartOptions, type SimulatorStatus } from '@/lib/contracts/simulator-control';

export interface RunnerOptions {
  /** Defaults to cfg.TOPIC_EVENTS. */
  topic?: string;
  /** Partitions if the topic has to be created; defaults to cfg.EVENTS_PARTITIONS. */
  partitions?: number;
  /** Switches to a simulated clock starting here (epoch ms); the wall clock otherwise. */
  startTimeMs?: number;
  /** Stop by itself after this many messages (the CLI's --count). */
  maxEvents?: number;
  disorder?: Partial<DisorderOptions>;
  /** Messages per Kafka send, at most. */
  maxBatch?: number;
  tickMs?: number;
  /** How long a send retries through a broker loss before counting as failed. */
  retry?: RetryOptions;
  /** Told, in one line, when the population is too small for the rate and what the simulator does. */
  onNotice?: (note: string) => void;
}

export type Simulator = SimulatorControl & {
  /** Resolves with the final status when the current run stops (by stop() or maxEvents); at once when none is running. */
  finished(): Promise<SimulatorStatus>;
  /** Stops, then disconnects from Kafka. */
  close(): Promise<void>;
};

const RATE_WINDOW_MS = 5_000;
/** A message this big travels alone, so two never share a request over the broker's size limit. */
const LARGE_MESSAGE_BYTES = 256 * 1024;

export function createSimulator(kafka: Kafka, cfg: Config, options: RunnerOptions = {}): Simulator {
  const log = logger('simulator');
  const topic = options.topic ?? cfg.TOPIC_EVENTS;
  const maxBatch = options.maxBatch ?? 2_000;
  const tickMs = options.tickMs ?? 10;
  const newProducer = () => createEventProducer(kafka, { topic, ...(options.retry ? { retry: options.retry } : {}) });
  let producer = newProducer();
  /**
   * Set when a send failed: the producer is replaced (a new producer id) before the next send. An
   * idempotent producer whose sequence numbers the broker no longer matches (a broker killed and
   * restarted can lose its latest appends) fails every later send with an out-of-order sequence
   * error; seen as a simulator that sent 15 events in the 90 s after its broker came back.
   */
  let renewBeforeNextSend = false;
  let topicReady = false;

  let running = false;
  let rate = cfg.SIMULATOR_RATE;
  let users = cfg.SIMULATOR_USERS;
  let seed: number | null = null;
  let sent = 0;
  let failed = 0;
  let errors = 0;
  let lastError: string | null = null;
  let startedAt: string | null = null;

  let sequence: EventSequence | null = null;
  let clock: EventClock | null = null;
  let generated = 0;
  let tokens = 0;
  let lastTick = 0;
  let timer: NodeJS.Timeout | null = null;
  const buffer: Message[] = [];
  let inFlight: Promise<void> | null = null;
  /** (time, sent) pairs over the last few seconds, for the achieved rate. */
  let samples: { t: number; sent: number }[] = [];

  let starting: Promise<SimulatorStatus> | null = null;
  let stopping: Promise<SimulatorStatus> | null = null;
  let finishWaiters: ((s: SimulatorStatus) => void)[] = [];
  let closed = false;

  /**
   * A user's sessions must be more than SESSION_GAP_MS apart, so a population sustains only so many
   * events per second; above that the sequence adds users (see session-model.ts). Said once per
   * start or rate change, through the log and the optional onNotice (the CLI prints it).
   */
  function warnIfPopulationTooSmall(): void {
    const note = populationNote(rate, users, cfg.SESSION_GAP_MS);
    if (note === null) return;
    if (options.onNotice) options.onNotice(note);
    else log.warn({ rate, users, sessionGapMs: cfg.SESSION_GAP_MS }, note);
  }

  function achievedRate(): number {
    const first = samples[0];
    const last = samples[samples.length - 1];
    if (!running || !first || !last || last.t - first.t < 500) return 0;
    return Math.round(((last.sent - first.sent) * 1000) / (last.t - first.t));
  }

  function status(): SimulatorStatus {
    return { running, rate, users, seed, sent, failed, errors, lastError, startedAt, achievedRate: achievedRate() };
  }

  function sample(): void {
    const t = performance.now();
    samples.push({ t, sent });
    const cutoff = t - RATE_WINDOW_MS;
    let drop = 0;
    while (drop < samples.length - 1 && (samples[drop] as { t: number }).t < cutoff) drop++;
    if (drop > 0) samples = samples.slice(drop);
  }

  function takeChunk(): Message[] {
    const big = (m: Message) => Buffer.isBuffer(m.value) && m.value.length > LARGE_MESSAGE_BYTES;
    if (buffer[0] && big(buffer[0])) return buffer.splice(0, 1);
    let n = 0;
    while (n < buffer.length && n < maxBatch && !big(buffer[n] as Message)) n++;
    return buffer.splice(0, n);
  }

  /** Replaces the producer: the old one is disconnected, a new one (a new producer id) connected. */
  async function renewProducer(): Promise<void> {
    renewBeforeNextSend = false;
    const old = producer;
    producer = newProducer();
    await old.disconnect().catch(() => {});
    await producer.connect();
  }

  /** Starts the next send unless one is in flight; chains itself until the buffer is empty. */
  function pump(): void {
    if (inFlight || buffer.length === 0) return;
    const chunk = takeChunk();
    inFlight = (renewBeforeNextSend ? renewProducer() : Promise.resolve()).then(() => producer.sendRaw(topic, chunk)).then(
      () => {
        sent += chunk.length;
      },
      (err: unknown) => {
        renewBeforeNextSend = true;
        failed += chunk.length;
        errors += 1;
        lastError = err instanceof Error ? err.message : String(err);
        log.warn({ err, messages: chunk.length }, 'simulator batch failed');
        // While stopping, do not wait out the retries again for every remaining batch.
        if (!running && buffer.length > 0) {
          failed += buffer.length;
          buffer.length = 0;
        }
      },
    ).finally(() => {
      inFlight = null;
      pump();
    });
  }

  function tick(): void {
    timer = null;
    if (!running || !sequence) return;
    const now = performance.now();
    const elapsed = now - lastTick;
    lastTick = now;
    // The bucket holds at most a quarter second (at least one event): enough to absorb timer jitter,
    // too little to burst after a stall.
    tokens = Math.min(tokens + (rate * elapsed) / 1000, Math.max(1, rate / 4));
    const room = Math.max(maxBatch * 4, rate) - buffer.length;
    let n = Math.min(Math.floor(tokens), room);
    if (options.maxEvents !== undefined) n = Math.min(n, options.maxEvents - generated);
    if (n > 0) {
      for (let i = 0; i < n; i++) {
        const m = sequence.next();
        buffer.push({ key: m.key, value: m.value });
      }
      tokens -= n;
      generated += n;
    }
    pump();
    sample();
    if (options.maxEvents !== undefined && generated >= options.maxEvents) {
      void stop();
      return;
    }
    timer = setTimeout(tick, tickMs);
  }

  async function doStart(input: SimulatorStartOptions): Promise<SimulatorStatus> {
    const opts = simulatorStartSchema.parse(input);
    if (!topicReady) {
      try {
        const admin = kafka.admin();
        await admin.connect();
        try {
          await ensureTopic(admin, topic, options.partitions ?? cfg.EVENTS_PARTITIONS);
        } finally {
          await admin.disconnect();
        }
        await producer.connect();
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        throw err;
      }
      topicReady = true;
    }
    rate = opts.rate ?? rate;
    users = opts.users ?? users;
    seed = opts.seed ?? randomInt(0, 2 ** 31 - 1);
    sent = failed = errors = generated = 0;
    lastError = null;
    tokens = 0;
    samples = [];
    clock = options.startTimeMs !== undefined ? simulatedClock(options.startTimeMs, rate) : wallClock();
    sequence = createEventSequence({ seed, users, clock, sessionGapMs: cfg.SESSION_GAP_MS, ...(options.disorder ? { disorder: options.disorder } : {}) });
    startedAt = new Date().toISOString();
    running = true;
    lastTick = performance.now();
    log.info({ topic, rate, users, seed, simulatedClock: clock.simulated }, 'simulator started');
    warnIfPopulationTooSmall();
    timer = setTimeout(tick, 0);
    return status();
  }

  async function start(input: SimulatorStartOptions = {}): Promise<SimulatorStatus> {
    if (closed) throw new Error('the simulator is closed');
    if (running) return status();
    if (starting) return starting;
    starting = (async () => {
      if (stopping) await stopping;
      return doStart(input);
    })().finally(() => {
      starting = null;
    });
    return starting;
  }

  function stop(): Promise<SimulatorStatus> {
    if (stopping) return stopping;
    // A stop during a start (the producer still connecting) applies once the start is through.
    if (starting) return starting.then(() => stop(), () => status());
    if (!running) return Promise.resolve(status());
    running = false;
    if (timer) clearTimeout(timer);
    timer = null;
    stopping = (async () => {
      pump();
      while (inFlight) await inFlight;
      const final = status();
      log.info({ sent, failed, errors }, 'simulator stopped');
      const waiters = finishWaiters;
      finishWaiters = [];
      for (const resolve of waiters) resolve(final);
      return final;
    })().finally(() => {
      stopping = null;
    });
    return stopping;
  }

  function setRate(eventsPerSecond: number): SimulatorStatus {
    const parsed = simulatorStartSchema.shape.rate.unwrap().safeParse(eventsPerSecond);
    if (!parsed.success) throw new RangeError(`rate must be a whole number from 1 to 100000, got ${eventsPerSecond}`);
    rate = parsed.data;
    clock?.setRate(rate);
    if (running) warnIfPopulationTooSmall();
    return status();
  }

  return {
    start,
    stop,
    setRate,
    status,
    finished: () => (running || starting || stopping ? new Promise((resolve) => finishWaiters.push(resolve)) : Promise.resolve(status())),
    async close() {
      closed = true;
      if (starting) await starting.catch(() => {});
      await stop();
      await producer.disconnect();
    },
  };
}
