/**
 * The Redis sink's key layout, in one place: the worker writes these keys (its Lua script builds
 * the same names, see worker/shell/redis-commit-script.ts), the web server and the tests read them.
 * Every key starts with REDIS_KEY_PREFIX (default `cs:`). User ids may contain `:`, but every key
 * ends in a fixed-format part (a day, an instant), so no two (user, day) pairs share a key.
 *
 *   {p}user:{userId}:day:{YYYY-MM-DD}      hash: events, timeSpentSeconds, clicks, pageViews,
 *                                          firstEventMs, lastEventMs, type:{eventType} (count per type)
 *   {p}day:{YYYY-MM-DD}:top:time           sorted set: userId → time on site that day (seconds)
 *   {p}day:{YYYY-MM-DD}:top:events         sorted set: userId → events that day
 *   {p}user:{userId}:minute:{ISO instant}  hash: events, timeSpentSeconds (expires: REDIS_MINUTE_TTL_SECONDS)
 *   {p}minute:{ISO instant}                hash: {eventType} → events of everyone in that window (same TTL)
 *   {p}pos:{topic}:{partition}             hash: the sink's position (nextOffset, watermarkMs, clusterId,
 *                                          lastRecordTs, lastRecordCrc, processed, invalid, late, expired, groupId, updatedAtMs)
 *   {p}pos:{topic}:{partition}:refused     string: why the worker refuses the partition (absent while it counts)
 */

export const redisKeys = (prefix: string) => ({
  userDay: (userId: string, day: string) => `${prefix}user:${userId}:day:${day}`,
  topTime: (day: string) => `${prefix}day:${day}:top:time`,
  topEvents: (day: string) => `${prefix}day:${day}:top:events`,
  userMinute: (userId: string, windowStartMs: number) => `${prefix}user:${userId}:minute:${new Date(windowStartMs).toISOString()}`,
  globalMinute: (windowStartMs: number) => `${prefix}minute:${new Date(windowStartMs).toISOString()}`,
  position: (topic: string, partition: number) => `${prefix}pos:${topic}:${partition}`,
  refused: (topic: string, partition: number) => `${prefix}pos:${topic}:${partition}:refused`,
});

export type RedisKeys = ReturnType<typeof redisKeys>;

/** The fields of a user-day hash that are not per-type counts. */
export const USER_DAY_FIELDS = ['events', 'timeSpentSeconds', 'clicks', 'pageViews', 'firstEventMs', 'lastEventMs'] as const;
/** Per-type counts in a user-day hash are fields `type:{eventType}`. */
export const TYPE_FIELD_PREFIX = 'type:';
