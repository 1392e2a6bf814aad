/**
 * A fixture for the session tests, and its independent computation: raw events of a few users over
 * two past UTC days (DAY1, the day before yesterday, and DAY2, yesterday) and a few minutes ago
 * (today, unless the run is just after midnight), all in the past: Kafka refuses record timestamps
 * more than an hour ahead, and the worker events ahead of their record's. With what makes sessions hard (a session crossing midnight,
 * events exactly the gap apart, ties, clicks before any page view, a purchase without a cart, two
 * events at the same millisecond, a late event, disorder), and the expected sessions and metrics
 * computed here from the raw events, by this file's own code (not lib/metrics, not the worker, not
 * the queries), from the definitions.
 */
import type { Kafka } from 'kafkajs';
import type { UserSessionRow } from '@/lib/contracts/dashboard';
import { ensureTopic } from '@/lib/kafka/topics';

const DAY_MS = 86_400_000;
export const dayOfMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface RawEvent {
  userId: string;
  eventType: string;
  timeMs: number;
  sessionDuration: number;
  /** Produced but not counted (a late event: the worker sends it to the late topic). */
  late?: boolean;
  partition: number;
  /** Filled in when produced. */
  offset: number;
}

export interface TruthSession {
  userId: string;
  startMs: number;
  endMs: number;
  events: RawEvent[];
  eventCount: number;
  pageViews: number;
  clickedPageViews: number;
  funnelStep: number;
  converted: boolean;
  firstOffset: number;
  lastOffset: number;
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/** [type, ms after the session's start] lists: the sessions each user has. */
type Script = { at: number; events: [string, number][] }[];

export function sessionFixture(prefix: string, gapMs: number, nowMs = Date.now()) {
  const GAP = gapMs;
  const TODAY = new Date(nowMs).toISOString().slice(0, 10);
  const T = Date.parse(`${TODAY}T00:00:00Z`) - DAY_MS; // DAY2's midnight: the scripted sessions' day
  const Y = T - DAY_MS;
  const DAY1 = dayOfMs(Y);
  const DAY2 = dayOfMs(T);
  /** A few minutes ago: today's short sessions (yesterday's, in the first minutes of a day). */
  const RECENT = nowMs - 4 * 60_000;
  const users = Array.from({ length: 10 }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
  /** Two partitions, users alternating. */
  const partitionOf = (userId: string) => users.indexOf(userId) % 2;

  function scripts(): Map<string, Script> {
    const random = rng(20261201);
    const types = ['pageView', 'pageView', 'pageView', 'click', 'click', 'search', 'addToCart', 'purchase', 'login', 'removeFromCart'];
    const out = new Map<string, Script>();
    for (const userId of users) {
      const script: Script = [];
      for (const dayStart of [Y, T]) {
        let at = dayStart + 3_600_000 + Math.floor(random() * 3_600_000);
        const n = 1 + Math.floor(random() * 3);
        for (let s = 0; s < n; s++) {
          const size = random() < 0.3 ? 1 : 2 + Math.floor(random() * 7);
          let t = 0;
          const events: [string, number][] = [];
          for (let e = 0; e < size; e++) {
            events.push([types[Math.floor(random() * types.length)] ?? 'pageView', t]);
            t += 1 + Math.floor(random() * 9 * 60_000); // < 30 min apart: one session
          }
          script.push({ at, events });
          at += t + GAP + 1 + Math.floor(random() * 3 * 3_600_000); // ≥ the gap: the next session
        }
      }
      out.set(userId, script);
    }
    const [u0, u1, u2, u3, u4, u5, u6, , u8] = users as [string, string, string, string, string, string, string, string, string];
    // A session crossing midnight: it belongs to yesterday; today's events include its tail.
    out.get(u0)?.push({ at: T - 10 * 60_000, events: [['pageView', 0], ['click', 5 * 60_000], ['pageView', 15 * 60_000], ['addToCart', 20 * 60_000], ['purchase', 25 * 60_000]] });
    // A tie: as many clicks as page views today (and nothing else more often).
    out.set(u1, [{ at: T + 5 * 3_600_000, events: [['pageView', 0], ['click', 1000], ['pageView', 2000], ['click', 3000], ['search', 4000]] }]);
    // Clicks before any page view, several clicks after one: clicks per page view 1.5, CTR 1/2.
    out.set(u2, [{ at: T + 6 * 3_600_000, events: [['click', 0], ['pageView', 1000], ['click', 2000], ['click', 3000], ['pageView', 4000], ['search', 5000]] }]);
    // A purchase without a cart: converted, funnel step 1; then a bounce.
    out.set(u3, [
      { at: T + 7 * 3_600_000, events: [['pageView', 0], ['purchase', 60_000]] },
      { at: T + 9 * 3_600_000, events: [['login', 0]] },
    ]);
    // Two events at the same millisecond (their order is the offsets').
    out.set(u4, [{ at: T + 8 * 3_600_000, events: [['pageView', 0], ['click', 500], ['pageView', 500], ['addToCart', 900], ['purchase', 1500]] }]);
    // Exactly the gap apart: two sessions; one millisecond less: one.
    out.set(u5, [
      { at: T + 10 * 3_600_000, events: [['pageView', 0], ['pageView', GAP]] },
      { at: T + 12 * 3_600_000, events: [['pageView', 0], ['click', GAP - 1]] },
    ]);
    out.set(u6, [{ at: T + 11 * 3_600_000, events: [['pageView', 0], ['search', 30_000], ['click', 60_000]] }]);
    // Late in the day, on users[6]'s partition: moves its watermark far past users[6]'s late event.
    out.get(u8)?.push({ at: T + 22 * 3_600_000, events: [['pageView', 0], ['click', 20_000]] });
    // A few minutes ago (today): short sessions, so the live figures of today have some.
    out.get(u0)?.push({ at: RECENT, events: [['pageView', 0], ['click', 10_000], ['addToCart', 20_000], ['purchase', 30_000]] });
    out.get(users[7] ?? '')?.push({ at: RECENT + 5000, events: [['login', 0]] });
    return out;
  }

  /** Every event, with a late one for users[6] inside its session's span (produced last, hours after). */
  function rawEvents(): RawEvent[] {
    const out: RawEvent[] = [];
    for (const [userId, script] of scripts()) {
      for (const s of script) for (const [eventType, dt] of s.events) out.push({ userId, eventType, timeMs: s.at + dt, sessionDuration: 7, partition: partitionOf(userId), offset: -1 });
    }
    out.push({ userId: users[6] ?? '', eventType: 'purchase', timeMs: T + 11 * 3_600_000 + 45_000, sessionDuration: 3, late: true, partition: partitionOf(users[6] ?? ''), offset: -1 });
    return out;
  }

  /**
   * The produce order: by time, with neighbours of the same user less than a minute apart swapped
   * now and then (disorder well within the allowed lateness, so nothing but the late event is
   * late); the late event last.
   */
  function produceOrder(events: RawEvent[]): RawEvent[] {
    const random = rng(7);
    const order = [...events].sort((a, b) => a.timeMs - b.timeMs);
    for (let i = 0; i + 1 < order.length; i++) {
      const a = order[i] as RawEvent;
      const b = order[i + 1] as RawEvent;
      if (a.userId === b.userId && b.timeMs - a.timeMs < 60_000 && random() < 0.5) [order[i], order[i + 1]] = [b, a];
    }
    return [...order.filter((e) => !e.late), ...order.filter((e) => e.late)];
  }

  /** Produces the events (record timestamp: now), each user to its partition, and fills in their offsets. */
  async function produceAll(kafka: Kafka, topic: string, events: RawEvent[]): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopic(admin, topic, 2);
    } finally {
      await admin.disconnect();
    }
    const order = produceOrder(events);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (const partition of [0, 1]) {
        const mine = order.filter((e) => e.partition === partition);
        const [meta] = await producer.send({
          topic,
          acks: -1,
          messages: mine.map((e) => ({
            key: e.userId,
            partition,
            value: JSON.stringify({
              timestamp: new Date(e.timeMs).toISOString(), userId: e.userId, eventType: e.eventType, sessionDuration: e.sessionDuration, page: '/p',
              ...(['addToCart', 'purchase', 'removeFromCart'].includes(e.eventType) ? { productId: 'prod-1' } : {}),
            }),
          })),
        });
        const baseOffset = Number(meta?.baseOffset ?? '0');
        mine.forEach((e, i) => {
          e.offset = baseOffset + i;
        });
      }
    } finally {
      await producer.disconnect();
    }
  }

  /** The sessions, by the definition: a user's counted events by (time, offset), cut where consecutive ones are a gap or more apart. */
  function sessionize(events: RawEvent[]): TruthSession[] {
    const byUser = new Map<string, RawEvent[]>();
    for (const e of events) if (!e.late) byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e]);
    const out: TruthSession[] = [];
    for (const [userId, list] of byUser) {
      list.sort((a, b) => a.timeMs - b.timeMs || a.offset - b.offset);
      let current: RawEvent[] = [];
      const close = () => {
        if (current.length === 0) return;
        let pageViews = 0;
        let clicked = 0;
        let awaiting = false;
        let step = 0;
        for (const e of current) {
          if (e.eventType === 'pageView') {
            pageViews++;
            awaiting = true;
            if (step === 0) step = 1;
          } else if (e.eventType === 'click' && awaiting) {
            clicked++;
            awaiting = false;
          } else if (e.eventType === 'addToCart' && step === 1) step = 2;
          else if (e.eventType === 'purchase' && step === 2) step = 3;
        }
        const offsets = current.map((e) => e.offset);
        out.push({
          userId,
          startMs: current[0]?.timeMs ?? 0,
          endMs: current.at(-1)?.timeMs ?? 0,
          events: current,
          eventCount: current.length,
          pageViews,
          clickedPageViews: clicked,
          funnelStep: step,
          converted: current.some((e) => e.eventType === 'purchase'),
          firstOffset: Math.min(...offsets),
          lastOffset: Math.max(...offsets),
        });
        current = [];
      };
      for (const e of list) {
        const last = current.at(-1);
        if (last && e.timeMs - last.timeMs >= GAP) close();
        current.push(e);
      }
      close();
    }
    return out;
  }

  return { GAP, TODAY, DAY1, DAY2, users, partitionOf, rawEvents, produceAll, sessionize };
}

/** What the per-day figures and the sessions list need of a session (a TruthSession, or one from the pipeline's reference). */
export type SessionFigures = Pick<TruthSession, 'userId' | 'startMs' | 'endMs' | 'eventCount' | 'pageViews' | 'clickedPageViews' | 'funnelStep' | 'converted'>;

export function expectedSessionStats(sessions: readonly SessionFigures[]) {
  const visitTimeMs = sessions.reduce((n, s) => n + (s.endMs - s.startMs), 0);
  const n = sessions.length;
  const bounces = sessions.filter((s) => s.eventCount === 1).length;
  const sessionPageViews = sessions.reduce((k, s) => k + s.pageViews, 0);
  const clickedPageViews = sessions.reduce((k, s) => k + s.clickedPageViews, 0);
  const convertedSessions = sessions.filter((s) => s.converted).length;
  return {
    sessions: n,
    visitTimeMs,
    visitTimeSeconds: visitTimeMs / 1000,
    averageVisitDurationSeconds: n === 0 ? null : visitTimeMs / 1000 / n,
    bounces,
    bounceRate: ratio(bounces, n),
    sessionPageViews,
    pagesPerSession: ratio(sessionPageViews, n),
    clickedPageViews,
    ctr: ratio(clickedPageViews, sessionPageViews),
    convertedSessions,
    conversionRate: ratio(convertedSessions, n),
    funnel: { pageView: sessions.filter((s) => s.funnelStep >= 1).length, addToCart: sessions.filter((s) => s.funnelStep >= 2).length, purchase: sessions.filter((s) => s.funnelStep >= 3).length },
  };
}

export function expectedEventStats(events: readonly Pick<RawEvent, 'eventType' | 'sessionDuration'>[]) {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.eventType] = (counts[e.eventType] ?? 0) + 1;
  const max = Math.max(0, ...Object.values(counts));
  const clicks = counts.click ?? 0;
  const pageViews = counts.pageView ?? 0;
  return {
    eventCount: events.length,
    timeSpentSeconds: events.reduce((n, e) => n + e.sessionDuration, 0),
    eventCounts: counts,
    mostCommonEvents: Object.keys(counts).filter((k) => counts[k] === max).sort(),
    clicks,
    pageViews,
    clicksPerPageView: ratio(clicks, pageViews),
  };
}

/** A session as the list shows it (`final` as given: the fixture's tables say true; the worker's may say false). */
export function expectedRow(s: SessionFigures, final = true): UserSessionRow {
  return {
    userId: s.userId,
    start: new Date(s.startMs).toISOString(),
    startMs: s.startMs,
    end: new Date(s.endMs).toISOString(),
    day: dayOfMs(s.startMs),
    durationSeconds: (s.endMs - s.startMs) / 1000,
    eventCount: s.eventCount,
    pageViews: s.pageViews,
    clickedPageViews: s.clickedPageViews,
    ctr: ratio(s.clickedPageViews, s.pageViews),
    bounce: s.eventCount === 1,
    funnelStep: s.funnelStep as UserSessionRow['funnelStep'],
    converted: s.converted,
    final,
  };
}

/** A session's events as the session page shows them: (event time, offset) order. */
export function expectedEvents(s: TruthSession, extra: RawEvent[] = []) {
  return [...s.events, ...extra]
    .sort((a, b) => a.timeMs - b.timeMs || a.offset - b.offset)
    .map((e) => ({
      userId: e.userId, eventType: e.eventType, timestamp: new Date(e.timeMs).toISOString(), eventTime: new Date(e.timeMs).toISOString(), sessionDuration: e.sessionDuration,
      page: '/p', productId: ['addToCart', 'purchase', 'removeFromCart'].includes(e.eventType) ? 'prod-1' : null, partition: e.partition, offset: String(e.offset),
    }));
}
