/**
 * The data the web server sends to browsers (page props, JSON API, Socket.IO pushes): plain types,
 * shared by the queries that build them and the client components that draw them.
 */
import type { ClickThroughRate } from '@/lib/metrics/click-through-rate';
import type { UserMetrics } from '@/lib/metrics/user-metrics';

export interface OverviewKpis {
  eventsPerSecond: number;
  activeUsers5m: number;
  today: { day: string; events: number; timeSpentSeconds: number; users: number; clicks: number; pageViews: number; ctr: ClickThroughRate };
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

/** A user's metrics for one UTC day (defined in lib/metrics/user-metrics.ts). */
export interface UserDay extends UserMetrics {
  day: string;
}

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

export interface UserLiveSnapshot {
  userId: string;
  at: string;
  today: UserDay | null;
  minutes: MinutePoint[];
}
