/**
 * A token bucket. Control actions share one bucket per process: the dashboard is single-tenant, and
 * the client address is not something a route handler can trust.
 */
export interface RateLimiter {
  /** Takes a token; returns 0 when allowed, else the seconds to wait. */
  take(nowMs?: number): number;
}

export function createRateLimiter(capacity: number, refillPerSecond: number): RateLimiter {
  let tokens = capacity;
  let last = Date.now();
  return {
    take(nowMs = Date.now()) {
      tokens = Math.min(capacity, tokens + ((nowMs - last) / 1000) * refillPerSecond);
      last = nowMs;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - tokens) / refillPerSecond);
    },
  };
}
