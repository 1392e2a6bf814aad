/**
 * The pure event sequence: (seed, users, clock, disorder) → the messages to put on Kafka, in order.
 * No I/O, so the same configuration with a simulated clock can be replayed and tested without a
 * broker; runner.ts only paces and sends what this yields.
 */
import type { ClickstreamEvent } from '@/lib/events/schemas';
import { createCatalogue, DEFAULT_CATALOGUE_SIZE, type Catalogue } from './catalogue';
import type { EventClock } from './clock';
import { DelayBuffer, INVALID_KINDS, makeInvalid, NO_DISORDER, type DisorderOptions, type InvalidKind } from './disorder';
import { createRandom, deriveSeed } from './distributions';
import { createPopulation, type Population } from './population';
import { createSessionModel } from './session-model';

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
}

export interface EventSequence extends Iterable<SimMessage> {
  next(): SimMessage;
  take(count: number): SimMessage[];
  readonly catalogue: Catalogue;
  readonly population: Population;
}

export function createEventSequence(options: EventSequenceOptions): EventSequence {
  const { seed, clock } = options;
  const disorder: DisorderOptions = { ...NO_DISORDER, ...options.disorder };
  const catalogue = createCatalogue(seed, options.catalogueSize ?? DEFAULT_CATALOGUE_SIZE);
  const population = createPopulation(seed, options.users, catalogue.categories);
  const sessions = createSessionModel({ seed, population, catalogue });
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
        held.push({ key: event.userId, value: JSON.stringify(event), event, invalid: null, delayedMs: 0 }, now + 1 + Math.floor(random() * maxDelayMs));
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
    *[Symbol.iterator]() {
      for (;;) yield next();
    },
  };
}
