/**
 * Token buckets, one per client (keyed by its remote address, which web/server.ts passes to the
 * route handlers in a header it always overwrites), so one client that drains its bucket never
 * locks out another. Memory stays bounded: a bucket that has refilled says nothing and is dropped,
 * and past `maxClients` the least recently used bucket goes first.
 */
export interface RateLimiter {
  /** Takes a token from `client`'s bucket; returns 0 when allowed, else the seconds to wait. */
  take(client: string, nowMs?: number): number;
  /** Buckets held now (for tests). */
  size(): number;
}

interface Bucket {
  tokens: number;
  last: number;
}

export function createRateLimiter(capacity: number, refillPerSecond: number, maxClients = 10_000): RateLimiter {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const buckets = new Map<string, Bucket>();
  const fullAfterMs = (capacity / refillPerSecond) * 1000;
  let lastSweep = 0;

  const sweep = (nowMs: number) => {
    for (const [client, b] of buckets) {
      if (nowMs - b.last < fullAfterMs) break; // the rest were used more recently
      buckets.delete(client);
    }
    lastSweep = nowMs;
  };

  return {
    take(client, nowMs = Date.now()) {
      if (nowMs - lastSweep >= 1000) sweep(nowMs);
      const b = buckets.get(client) ?? { tokens: capacity, last: nowMs };
      buckets.delete(client);
      b.tokens = Math.min(capacity, b.tokens + (Math.max(0, nowMs - b.last) / 1000) * refillPerSecond);
      b.last = nowMs;
      buckets.set(client, b);
      while (buckets.size > maxClients) {
        const oldest = buckets.keys().next();
        if (oldest.done === true) break;
        buckets.delete(oldest.value);
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - b.tokens) / refillPerSecond);
    },
    size: () => buckets.size,
  };
}
