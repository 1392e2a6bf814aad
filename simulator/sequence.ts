/**
 * The pure event sequence: (seed, users, clock, disorder) → the messages to put on Kafka, in order.
 * No I/O, so the same configuration with a simulated clock can be replayed and tested without a
 * broker; runner.ts only paces and sends what this yields.
 */
import { configSchema } from '@/lib/config';
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { createCatalogue, DEFAULT_CATALOGUE_SIZE, type Catalogue } from './catalogue';
import type { EventClock } from './clock';
import { DelayBuffer, INVALID_KINDS, makeInvalid, NO_DISORDER, type DisorderOptions, type InvalidKind } from './disorder';
import { createRandom, deriveSeed } from './distributions';
import { createPopulation, type Population } from './population';
import { createSessionModel, type SessionModelStats } from './session-model';

/** SESSION_GAP_MS's default (30 min), from the configuration schema. */
export const DEFAULT_SESSION_GAP_MS: number = configSchema.shape.SESSION_GAP_MS.parse(undefined);

export interface SimMessage {
  /** The Kafka key: the userId, so one user's events share a partition. */
  key: string;
  value: string | Buffer;
  /** The event, or null for an invalid message. */
  event: ClickstreamEvent | null;
  invalid: InvalidKind | null;
  /** How long the event was held back to arrive out of order (ms), 0 if not. */
  delayedMs: number;
}

export interface EventSequenceOptions {
  seed: number;
  users: number;
  clock: EventClock;
  disorder?: Partial<DisorderOptions>;
  catalogueSize?: number;
  /** A user's sessions are more than this apart (SESSION_GAP_MS); defaults to its default, 30 min. */
  sessionGapMs?: number;
}

export interface EventSequence extends Iterable<SimMessage> {
  next(): SimMessage;
  take(count: number): SimMessage[];
  readonly catalogue: Catalogue;
  readonly population: Population;
  /** Sessions in flight, users added beyond the population, sessions abandoned by a lagging caller. */
  stats(): SessionModelStats;
}

export function createEventSequence(options: EventSequenceOptions): EventSequence {
  const { seed, clock } = options;
  const disorder: DisorderOptions = { ...NO_DISORDER, ...options.disorder };
  const catalogue = createCatalogue(seed, options.catalogueSize ?? DEFAULT_CATALOGUE_SIZE);
  const population = createPopulation(seed, options.users, catalogue.categories);
  const sessions = createSessionModel({ seed, population, catalogue, sessionGapMs: options.sessionGapMs ?? DEFAULT_SESSION_GAP_MS });
  const random = createRandom(deriveSeed(seed, 'disorder'));
  const held = new DelayBuffer<SimMessage>();
  const maxDelayMs = Math.max(0, disorder.maxDelaySeconds * 1000);
  let invalidCount = 0;

  function next(): SimMessage {
    for (;;) {
      const now = clock.next();
      // A held event whose time has come takes this slot.
      const due = held.popDue(now);
      if (due) return { ...due, delayedMs: now - Date.parse((due.event as ClickstreamEvent).timestamp) };

      const event = sessions.next(now);
      if (disorder.lateFraction > 0 && maxDelayMs > 0 && random() < disorder.lateFraction) {
        held.push({ key: event.userId, value: JSON.stringify(event), event, invalid: null, delayedMs: 0 }, Date.parse(event.timestamp) + 1 + Math.floor(random() * maxDelayMs));
        continue;
      }
      if (disorder.invalidFraction > 0 && random() < disorder.invalidFraction) {
        const kind = INVALID_KINDS[invalidCount++ % INVALID_KINDS.length] as InvalidKind;
        return { key: event.userId, value: makeInvalid(kind, event, random).value, event: null, invalid: kind, delayedMs: 0 };
      }
      return { key: event.userId, value: JSON.stringify(event), event, invalid: null, delayedMs: 0 };
    }
  }

  return {
    next,
    take: (count) => Array.from({ length: count }, next),
    catalogue,
    population,
    stats: () => sessions.stats(),
    *[Symbol.iterator]() {
      for (;;) yield next();
    },
  };
}
