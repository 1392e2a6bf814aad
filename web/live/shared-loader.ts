/**
 * Coalesces loads of the same snapshot: callers within `ttlMs` of the last result share it, and
 * concurrent callers share one in-flight query (500 sockets subscribing at once cost one query).
 */
export interface SharedLoader<T> {
  get(): Promise<T>;
  /** Loads afresh (shared with concurrent callers) and caches the result. */
  refresh(): Promise<T>;
}

export function sharedLoader<T>(load: () => Promise<T>, ttlMs: number): SharedLoader<T> {
  let cached: { at: number; value: T } | undefined;
  let inFlight: Promise<T> | undefined;
  const refresh = () => {
    inFlight ??= load()
      .then((value) => {
        cached = { at: Date.now(), value };
        return value;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  return {
    get: () => (cached && Date.now() - cached.at < ttlMs ? Promise.resolve(cached.value) : refresh()),
    refresh,
  };
}
