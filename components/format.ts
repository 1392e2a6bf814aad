/** Number formatting shared by server and client components (fixed locale so SSR and hydration agree). */
const LOCALE = 'en-US';
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatInt(n: number): string {
  return integer.format(n);
}

export function formatRate(n: number): string {
  return n >= 100 ? integer.format(n) : oneDecimal.format(n);
}

/** 3725 → "1h 2m 5s"; 59 → "59s"; past a day of hours the seconds are dropped. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h >= 24) return `${integer.format(h)}h ${m}m`;
  if (h > 0) return `${h}h ${m}m ${sec}s`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/** Axis ticks: the largest unit only, e.g. "38m", "2h", "45s". */
export function formatDurationShort(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s >= 3600) return `${oneDecimal.format(s / 3600)}h`;
  if (s >= 60) return `${Math.round(s / 60)}m`;
  return `${s}s`;
}

export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return `${oneDecimal.format(ratio * 100)}%`;
}

/** A ratio that is not a share (clicks per page view, pages per session): 1.2345 → "1.23"; null → "—". */
export function formatRatio(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '—';
  return twoDecimals.format(n);
}

/**
 * A visit duration or an average of them, in seconds (event times have milliseconds, so it can
 * have a fraction): under a minute with one decimal ("1.5s", "0s"), longer as formatDuration; null → "—".
 */
export function formatVisitDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, seconds);
  if (Math.round(s * 10) / 10 < 60) return `${oneDecimal.format(s)}s`;
  return formatDuration(s);
}

/** "14:05" in UTC. */
export function formatMinute(iso: string): string {
  return iso.slice(11, 16);
}

/** "14:05:09" in UTC. */
export function formatTime(iso: string): string {
  return iso.slice(11, 19);
}

/** "14:05:09.250" in UTC (event times have milliseconds). */
export function formatTimeMs(iso: string): string {
  return iso.slice(11, 23);
}

/** "2026-12-01 14:05:09" in UTC. */
export function formatDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Seconds or minutes since an instant, e.g. "3 s ago". */
export function formatAgo(iso: string | null, nowMs: number): string {
  if (iso === null) return 'never';
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** Human names for the event types. */
const EVENT_LABELS: Record<string, string> = {
  addToCart: 'Add to cart',
  click: 'Click',
  login: 'Login',
  logout: 'Logout',
  pageView: 'Page view',
  purchase: 'Purchase',
  removeFromCart: 'Remove from cart',
  search: 'Search',
};

export const eventLabel = (type: string) => EVENT_LABELS[type] ?? type;

/** Chart colours per event type (CSS variables, themed in globals.css). */
export const eventColor = (type: string) => `var(--event-${type in EVENT_LABELS ? type : 'other'})`;
