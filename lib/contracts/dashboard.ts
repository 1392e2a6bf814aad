/**
 * The data the web server sends to browsers (page props, JSON API, Socket.IO pushes): plain types,
 * shared by the queries that build them and the client components that draw them. Every metric is
 * defined once in lib/metrics (one file each; README "What the numbers mean").
 */
import type { ClicksPerPageView } from '@/lib/metrics/clicks-per-page-view';
import type { ClickThroughRate } from '@/lib/metrics/click-through-rate';
import type { FunnelStep } from '@/lib/metrics/session-facts';
import type { SessionStats } from '@/lib/metrics/session-stats';
import type { UserMetrics } from '@/lib/metrics/user-metrics';

export type { FunnelStep } from '@/lib/metrics/session-facts';
export type { FunnelCounts } from '@/lib/metrics/funnel';
export type { SessionStats } from '@/lib/metrics/session-stats';

export interface OverviewKpis {
  eventsPerSecond: number;
  activeUsers5m: number;
  today: {
    day: string;
    events: number;
    /** Time on site as the events report it: the sum of their sessionDuration. */
    timeSpentSeconds: number;
    users: number;
    clicks: number;
    pageViews: number;
    /** clicks ÷ page views (was `ctr`). */
    clicksPerPageView: ClicksPerPageView;
    /**
     * Everyone's sessions that start today (UTC), open ones included: sessions today, visit time,
     * average visit duration, bounce rate, pages per session, CTR, conversion rate, and the funnel
     * counts (`funnel.pageView` ≥ `funnel.addToCart` ≥ `funnel.purchase`).
     */
    sessions: DaySessionStats;
  };
}

/** Everyone's session metrics for one UTC day (the sessions whose first event is on that day). */
export interface DaySessionStats extends SessionStats {
  day: string;
}

export interface MinuteBucket {
  windowStart: string;
  counts: Record<string, number>;
  total: number;
  activeUsers: number;
}

export interface TopUser {
  userId: string;
  timeSpentSeconds: number;
  eventCount: number;
}

export interface OverviewSnapshot {
  at: string;
  kpis: OverviewKpis;
  /** The last 60 minutes, oldest first; windows without events are absent. */
  minutes: MinuteBucket[];
  topUsers: TopUser[];
  distribution: Record<string, number>;
}

/**
 * A user's event metrics for one UTC day (lib/metrics/user-metrics.ts): events, time on site,
 * per-type counts, most common events (every tied type, sorted), clicks, page views, clicks per
 * page view. What the worker aggregates per user and day.
 */
export interface UserDay extends UserMetrics {
  day: string;
}

/**
 * A user's day as the API and the user page show it: the event metrics (UserDay) and the session
 * metrics of the sessions whose first event is on that day (SessionStats: sessions, visitTimeMs /
 * visitTimeSeconds, averageVisitDurationSeconds, bounces, bounceRate, sessionPageViews,
 * pagesPerSession, clickedPageViews, ctr, convertedSessions, conversionRate, funnel). Both parts
 * are accumulators: days merge into a range with userMetrics.merge and sessionStats.merge
 * (lib/metrics/user-day-summary.ts does both). Days without events are absent; a day with events
 * but no session starting on it has sessions = 0 and null rates.
 */
export interface UserDaySummary extends UserDay, SessionStats {}

export interface MinutePoint {
  windowStart: string;
  eventCount: number;
  timeSpentSeconds: number;
}

export interface RecentEvent {
  userId: string;
  eventType: string;
  timestamp: string;
  sessionDuration: number;
  page: string | null;
  productId: string | null;
  /** Kafka partition and offset: unique, used as a React key. */
  partition: number;
  offset: string;
}

/** One session of a user (a row of the sessions list). */
export interface UserSessionRow {
  userId: string;
  /** First event time, ISO-8601 UTC with milliseconds: with the userId, the session's key. */
  start: string;
  /** `start` as epoch milliseconds: the `{start}` of /api/users/{userId}/sessions/{start}. */
  startMs: number;
  /** Last event time, ISO-8601 UTC. */
  end: string;
  /** The UTC day of the first event: the day the session belongs to. */
  day: string;
  /** Visit duration: end − start, seconds (a fraction when event times have milliseconds). */
  durationSeconds: number;
  eventCount: number;
  pageViews: number;
  /** Page views followed by a click before the session's next page view. */
  clickedPageViews: number;
  /** clickedPageViews ÷ pageViews; null without page views. */
  ctr: ClickThroughRate;
  /** Exactly one event. */
  bounce: boolean;
  /** 0 none, 1 page view, 2 add-to-cart after a page view, 3 purchase after that add-to-cart. */
  funnelStep: FunnelStep;
  /** Has a purchase. */
  converted: boolean;
  /** False while the session can still grow or merge (its last event is within the gap plus the allowed lateness of the watermark). */
  final: boolean;
}

/** GET /api/users/{userId}/sessions: a user's sessions over a range of days, newest first. */
export interface UserSessionsPage {
  userId: string;
  from: string;
  to: string;
  limit: number;
  sessions: UserSessionRow[];
  /** True when more sessions of the range exist than `limit`: pass `before=<the last row's startMs>` for the next ones. */
  more: boolean;
}

/** An event of a session, read back from Kafka. */
export interface SessionEvent extends RecentEvent {
  /** Event time, normalized to ISO-8601 UTC with milliseconds (`timestamp` is as sent). */
  eventTime: string;
}

/**
 * Whether the session's events could be read back from Kafka:
 * - `complete`: the events read are exactly as many as the session counted;
 * - `mismatch`: the range was read but the number differs (events in the offset range that the
 *   worker did not count, e.g. late ones, or a topic re-created since) — shown as read;
 * - `partial`: retention removed the start of the range; the events shown are what is left;
 * - `expired`: retention removed the whole range (or the topic was re-created and no longer has
 *   those offsets); no events to show;
 * - `too_large`: the range holds more Kafka messages (every user of the partition) than one request
 *   reads (MAX_SESSION_SCAN in web/live/session-events-reader.ts); no events shown;
 * - `unavailable`: Kafka did not answer in time; try again.
 */
export type SessionEventsStatus = 'complete' | 'mismatch' | 'partial' | 'expired' | 'too_large' | 'unavailable';

/** GET /api/users/{userId}/sessions/{startMs}: one session and its events in order. */
export interface UserSessionDetail {
  session: UserSessionRow;
  /** Where the events are: the events topic's partition and the session's lowest and highest offsets. */
  kafka: { topic: string; partition: number; firstOffset: string; lastOffset: string };
  eventsStatus: SessionEventsStatus;
  /** One sentence for the page when the status is not `complete`; null when it is. */
  eventsMessage: string | null;
  /** The user's valid events in the offset range with event time in [start, end], in (event time, offset) order. */
  events: SessionEvent[];
}

/** A row of the users table (/users, GET /api/users). */
export interface UsersTableRow {
  userId: string;
  eventCount: number;
  /** Time on site as the events report it (sum of sessionDuration). */
  timeSpentSeconds: number;
  clicks: number;
  pageViews: number;
  /** clicks ÷ page views (was `ctr`). */
  clicksPerPageView: ClicksPerPageView;
  /** Every tied most common event type, in byte order (COLLATE "C"); empty without events. */
  mostCommonEvents: string[];
  /** Sessions starting in the period. */
  sessions: number;
  /** Sum of their visit durations, seconds. */
  visitTimeSeconds: number;
  /** bounces ÷ sessions; null without sessions. */
  bounceRate: number | null;
  /** clicked page views ÷ the sessions' page views; null without page views. */
  ctr: ClickThroughRate;
}

export interface UsersTable {
  from: string;
  to: string;
  total: number;
  rows: UsersTableRow[];
  nextCursor: string | null;
  /** Reads the page before this one; null on the first page. */
  prevCursor: string | null;
  /**
   * When the figures were read (ISO) if they come from the period's snapshot (a range, or a day
   * sorted by anything but time on site, userId and the most common event: at most
   * USERS_RANGE_SNAPSHOT_TTL_MS and one read old); null when read live from the rows.
   */
  asOf: string | null;
}

export interface UserLiveSnapshot {
  userId: string;
  at: string;
  /** Today's (UTC) figures, events and sessions; null before the user's first event today. */
  today: UserDaySummary | null;
  minutes: MinutePoint[];
  /** The user's newest sessions (today and yesterday, at most 20), newest first, so the list stays live. */
  sessions: UserSessionRow[];
}

/** What a user's page starts its live part from: a snapshot without the newest sessions (the page lists the range's own). */
export type UserPageLive = Omit<UserLiveSnapshot, 'sessions'>;
