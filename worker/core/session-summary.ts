/**
 * One session's metrics as a left fold over its events in order (event time, then `seq`; see
 * sessions.ts). The fold's accumulator is small and fixed in size, which is what lets an open
 * session keep its old events as one summary instead of a list:
 *   - CTR: a page view counts as clicked when at least one click follows it before the next page
 *     view. `pageViewAwaitingClick` says whether the latest page view so far has no click after it
 *     yet; the next click counts it and clears the flag, the next page view sets it again. Clicks
 *     before the first page view count for nothing. So clickedPageViews ≤ pageViews always.
 *   - Funnel: greedy matching of the subsequence page view → add-to-cart → purchase, as a state
 *     machine (0: nothing yet; 1: a page view; 2: an add-to-cart after a page view; 3: a purchase
 *     after that add-to-cart). Greedy matching finds the subsequence exactly when it exists.
 *   - Where the events are: the lowest and highest `seq` (the Kafka offsets), so the session's
 *     events can be read again from its partition (user_session.first_offset / last_offset). Not
 *     the seq of the first and last event by time: an out-of-order event can have either extreme.
 * Pure: no I/O.
 */
import type { EventType } from '@/lib/events/schemas';
import { dayOf } from '@/lib/days';

/** What the ordered metrics need of an event type, one letter to keep stored state small. */
export type EventKind = 'v' | 'c' | 'a' | 'p' | 'o';

const KINDS: Partial<Record<EventType, EventKind>> = { pageView: 'v', click: 'c', addToCart: 'a', purchase: 'p' };
export const EVENT_KINDS: readonly EventKind[] = ['v', 'c', 'a', 'p', 'o'];

/** The kind of an event type: page view, click, add-to-cart, purchase, or other ('o'). */
export function kindOf(eventType: string): EventKind {
  return Object.hasOwn(KINDS, eventType) ? (KINDS[eventType as EventType] as EventKind) : 'o';
}

/** An event as a session keeps it: [event time (epoch ms), seq, kind]. */
export type SessionEventTuple = readonly [eventTimeMs: number, seq: number, kind: EventKind];

/** The funnel step a session reached: 0 none, 1 page view, 2 add-to-cart after it, 3 purchase after that. */
export type FunnelStep = 0 | 1 | 2 | 3;

/** The fold's accumulator: everything the metrics need of a run of events, in a fixed size. */
export interface SessionSummary {
  /** Event time of the first and last event (epoch ms). */
  firstMs: number;
  lastMs: number;
  eventCount: number;
  pageViews: number;
  clickedPageViews: number;
  /** The latest page view so far has no click after it yet (false before any page view). */
  pageViewAwaitingClick: boolean;
  funnelStep: FunnelStep;
  purchases: number;
  /** The lowest and highest seq of the events (their Kafka offsets). */
  minSeq: number;
  maxSeq: number;
}

/** Folds events, in order, onto a summary (null: no events yet). The input summary is left unchanged. */
export function foldEvents(summary: SessionSummary | null, events: readonly SessionEventTuple[]): SessionSummary | null {
  if (events.length === 0) return summary;
  const first = events[0] as SessionEventTuple;
  const s: SessionSummary = summary
    ? { ...summary }
    : { firstMs: first[0], lastMs: first[0], eventCount: 0, pageViews: 0, clickedPageViews: 0, pageViewAwaitingClick: false, funnelStep: 0, purchases: 0, minSeq: first[1], maxSeq: first[1] };
  for (const [t, seq, kind] of events) {
    s.lastMs = t;
    s.eventCount += 1;
    if (seq < s.minSeq) s.minSeq = seq;
    if (seq > s.maxSeq) s.maxSeq = seq;
    switch (kind) {
      case 'v':
        s.pageViews += 1;
        s.pageViewAwaitingClick = true;
        if (s.funnelStep === 0) s.funnelStep = 1;
        break;
      case 'c':
        if (s.pageViewAwaitingClick) {
          s.clickedPageViews += 1;
          s.pageViewAwaitingClick = false;
        }
        break;
      case 'a':
        if (s.funnelStep === 1) s.funnelStep = 2;
        break;
      case 'p':
        s.purchases += 1;
        if (s.funnelStep === 2) s.funnelStep = 3;
        break;
      case 'o':
        break;
    }
  }
  return s;
}

/** The per-session metrics of the definitions (issue 11). */
export interface SessionMetrics {
  /** Event time of the first event (epoch ms): with the userId, the session's key. */
  startMs: number;
  /** Event time of the last event (epoch ms). */
  endMs: number;
  /** The UTC day (YYYY-MM-DD) of the first event: the day the session belongs to. */
  day: string;
  /** (endMs − startMs) / 1000, exact (a fraction when event times have milliseconds); 0 for one event. */
  durationSeconds: number;
  eventCount: number;
  pageViews: number;
  /** Page views followed by at least one click before the session's next page view. CTR = clickedPageViews ÷ pageViews. */
  clickedPageViews: number;
  /** Exactly one event. */
  bounce: boolean;
  funnelStep: FunnelStep;
  /** Has a purchase (in any position: conversion is not the funnel). */
  converted: boolean;
  /** The lowest and highest seq (Kafka offset) of the session's events: the offset range that holds them. */
  minSeq: number;
  maxSeq: number;
}

export function metricsOf(s: SessionSummary): SessionMetrics {
  return {
    startMs: s.firstMs,
    endMs: s.lastMs,
    day: dayOf(s.firstMs),
    durationSeconds: (s.lastMs - s.firstMs) / 1000,
    eventCount: s.eventCount,
    pageViews: s.pageViews,
    clickedPageViews: s.clickedPageViews,
    bounce: s.eventCount === 1,
    funnelStep: s.funnelStep,
    converted: s.purchases > 0,
    minSeq: s.minSeq,
    maxSeq: s.maxSeq,
  };
}
