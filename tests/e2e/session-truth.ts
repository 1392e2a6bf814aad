/**
 * The browser tests' own ground truth for sessions (issue 11, README "What the numbers mean"),
 * worked out from the events a test produced, written here from the definitions and on purpose
 * sharing no code with lib/metrics or the worker; plus formatting as the dashboard prints numbers
 * (en-US, UTC), written again here so an expected cell is built without the code under test.
 */

export interface TruthEvent {
  userId: string;
  eventType: string;
  timeMs: number;
  sessionDuration: number;
  page?: string;
  productId?: string;
  partition: number;
  /** Set once Kafka has acknowledged the event. */
  offset: bigint;
}

export interface TruthSession {
  userId: string;
  startMs: number;
  endMs: number;
  /** The UTC day of the first event. */
  day: string;
  events: TruthEvent[];
  pageViews: number;
  clickedPageViews: number;
  /** 0 none, 1 page view, 2 add-to-cart after it, 3 purchase after that add-to-cart. */
  funnelStep: number;
  converted: boolean;
  bounce: boolean;
  partition: number;
}

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Event time, then offset: the order a session's events are folded in. */
const inOrder = (a: TruthEvent, b: TruthEvent) => a.timeMs - b.timeMs || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0);

/** A page view counts as clicked when a click comes after it and before the next page view. */
function clickedPageViews(events: TruthEvent[]): number {
  let n = 0;
  events.forEach((e, i) => {
    if (e.eventType !== 'pageView') return;
    const rest = events.slice(i + 1);
    const nextPageView = rest.findIndex((r) => r.eventType === 'pageView');
    if ((nextPageView === -1 ? rest : rest.slice(0, nextPageView)).some((r) => r.eventType === 'click')) n += 1;
  });
  return n;
}

function funnelStep(events: TruthEvent[]): number {
  const pv = events.findIndex((e) => e.eventType === 'pageView');
  if (pv === -1) return 0;
  const atc = events.findIndex((e, i) => i > pv && e.eventType === 'addToCart');
  if (atc === -1) return 1;
  return events.some((e, i) => i > atc && e.eventType === 'purchase') ? 3 : 2;
}

/** Each user's sessions: consecutive events (by event time) less than `gapMs` apart. Oldest first. */
export function sessionsOf(events: readonly TruthEvent[], gapMs: number): TruthSession[] {
  const byUser = new Map<string, TruthEvent[]>();
  for (const e of events) byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e]);
  const out: TruthSession[] = [];
  for (const [userId, list] of byUser) {
    const sorted = [...list].sort(inOrder);
    let run: TruthEvent[] = [];
    const close = () => {
      if (run.length === 0) return;
      const first = run[0] as TruthEvent;
      const last = run[run.length - 1] as TruthEvent;
      out.push({
        userId, startMs: first.timeMs, endMs: last.timeMs, day: utcDay(first.timeMs), events: run,
        pageViews: run.filter((e) => e.eventType === 'pageView').length,
        clickedPageViews: clickedPageViews(run),
        funnelStep: funnelStep(run),
        converted: run.some((e) => e.eventType === 'purchase'),
        bounce: run.length === 1,
        partition: first.partition,
      });
      run = [];
    };
    for (const e of sorted) {
      const prev = run[run.length - 1];
      if (prev && e.timeMs - prev.timeMs >= gapMs) close();
      run.push(e);
    }
    close();
  }
  return out.sort((a, b) => a.startMs - b.startMs || (a.userId < b.userId ? -1 : 1));
}

/** The columns of user_session that the figures below need (as the test reads other users' rows). */
export interface SessionFactsRow {
  startMs: number;
  endMs: number;
  eventCount: number;
  pageViews: number;
  clickedPageViews: number;
  funnelStep: number;
  converted: boolean;
}

export const factsOf = (s: TruthSession): SessionFactsRow => ({
  startMs: s.startMs, endMs: s.endMs, eventCount: s.events.length, pageViews: s.pageViews, clickedPageViews: s.clickedPageViews, funnelStep: s.funnelStep, converted: s.converted,
});

export interface Figures {
  sessions: number;
  visitTimeMs: number;
  bounces: number;
  pageViews: number;
  clickedPageViews: number;
  converted: number;
  funnel: [number, number, number];
  bounceRate: number | null;
  averageVisitSeconds: number | null;
  pagesPerSession: number | null;
  ctr: number | null;
  conversionRate: number | null;
}

export function figuresOf(sessions: readonly SessionFactsRow[]): Figures {
  const n = sessions.length;
  const sum = (f: (s: SessionFactsRow) => number) => sessions.reduce((a, s) => a + f(s), 0);
  const visitTimeMs = sum((s) => s.endMs - s.startMs);
  const bounces = sum((s) => (s.eventCount === 1 ? 1 : 0));
  const pageViews = sum((s) => s.pageViews);
  const clicked = sum((s) => s.clickedPageViews);
  const converted = sum((s) => (s.converted ? 1 : 0));
  return {
    sessions: n, visitTimeMs, bounces, pageViews, clickedPageViews: clicked, converted,
    funnel: [sum((s) => (s.funnelStep >= 1 ? 1 : 0)), sum((s) => (s.funnelStep >= 2 ? 1 : 0)), sum((s) => (s.funnelStep >= 3 ? 1 : 0))],
    bounceRate: n === 0 ? null : bounces / n,
    averageVisitSeconds: n === 0 ? null : visitTimeMs / 1000 / n,
    pagesPerSession: n === 0 ? null : pageViews / n,
    ctr: pageViews === 0 ? null : clicked / pageViews,
    conversionRate: n === 0 ? null : converted / n,
  };
}

/** Every type with the highest count, in byte order (ties shown as ties). */
export function mostCommonTypes(events: readonly TruthEvent[]): string[] {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.eventType, (counts.get(e.eventType) ?? 0) + 1);
  const top = Math.max(0, ...counts.values());
  return [...counts].filter(([, c]) => c === top && c > 0).map(([t]) => t).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---- The dashboard's number formats, again ----

const LABELS: Record<string, string> = {
  addToCart: 'Add to cart', click: 'Click', login: 'Login', logout: 'Logout', pageView: 'Page view', purchase: 'Purchase', removeFromCart: 'Remove from cart', search: 'Search',
};
export const label = (type: string) => LABELS[type] ?? type;

const withCommas = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
export const int = (n: number) => withCommas(Math.round(n));

/** Up to one decimal, no trailing ".0". */
const upToOneDecimal = (x: number) => {
  const t = Math.round(x * 10) / 10;
  return Number.isInteger(t) ? withCommas(t) : `${withCommas(Math.trunc(t))}.${Math.round(Math.abs(t) * 10) % 10}`;
};

export const percent = (r: number | null) => (r === null ? '—' : `${upToOneDecimal(r * 100)}%`);
export const twoDecimals = (r: number | null) => (r === null ? '—' : r.toFixed(2));

/** Whole seconds as "1h 2m 5s", "2m 5s", "5s" (past a day of hours: "25h 0m"). */
export function hms(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h >= 24) return `${withCommas(h)}h ${m}m`;
  if (h > 0) return `${h}h ${m}m ${rest}s`;
  if (m > 0) return `${m}m ${rest}s`;
  return `${rest}s`;
}

/** A visit duration: under a minute with up to one decimal ("1.5s"), longer as hms; null → "—". */
export function visit(seconds: number | null): string {
  if (seconds === null) return '—';
  return Math.round(seconds * 10) / 10 < 60 ? `${upToOneDecimal(seconds)}s` : hms(seconds);
}

/** "2026-12-01 14:05:09" (UTC). */
export const dateTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
/** "14:05:09.250" (UTC). */
export const timeMs = (ms: number) => new Date(ms).toISOString().slice(11, 23);
