/**
 * The Redis sink's commit, one Lua script per batch: Redis runs a script atomically (no other
 * command runs in between), which is what makes the sink exactly-once on its own:
 *   1. fence: the partition's stored next offset must be the one the batch started from
 *      (ARGV[1]; '' = no position stored yet), else nothing is written and 'fenced' is returned;
 *   2. check that every key it will write is a hash / sorted set or absent: a Lua script is not
 *      rolled back when a command fails half-way, so a key of another type (written by hand) must
 *      stop the batch before its first write, not after some of its increments;
 *   3. apply the increments (key layout: lib/redis/keys.ts, whose names this script repeats);
 *   4. store the new position (next offset, watermark, cluster, last record, counters) and clear
 *      the partition's refusal.
 * Numbers that can exceed 14 digits (epoch ms, offsets) travel as strings: Lua formats numbers
 * with 14 significant digits when it hands them to Redis.
 *
 * KEYS[1] the position hash, KEYS[2] the refusal key; ARGV[1] the expected next offset, ARGV[2]
 * the batch as JSON (see RedisBatchJson in redis-sink.ts).
 */
export const COMMIT_SCRIPT = `
local stored = redis.call('HGET', KEYS[1], 'nextOffset')
if ARGV[1] == '' then
  if stored then return 'fenced' end
elseif stored ~= ARGV[1] then
  return 'fenced'
end

local b = cjson.decode(ARGV[2])
local p = b.prefix

local function want(key, kind)
  local t = redis.call('TYPE', key)['ok']
  if t ~= 'none' and t ~= kind then
    return redis.error_reply('WRONGTYPE the Redis sink writes ' .. key .. ' as a ' .. kind .. ', but it holds a ' .. t .. ': nothing of this batch was written')
  end
  return nil
end
local checks = { { KEYS[1], 'hash' } }
for _, d in ipairs(b.days) do
  table.insert(checks, { p .. 'user:' .. d[1] .. ':day:' .. d[2], 'hash' })
  table.insert(checks, { p .. 'day:' .. d[2] .. ':top:time', 'zset' })
  table.insert(checks, { p .. 'day:' .. d[2] .. ':top:events', 'zset' })
end
for _, m in ipairs(b.mins) do table.insert(checks, { p .. 'user:' .. m[1] .. ':minute:' .. m[2], 'hash' }) end
for _, g in ipairs(b.glob) do table.insert(checks, { p .. 'minute:' .. g[1], 'hash' }) end
for _, c in ipairs(checks) do
  local bad = want(c[1], c[2])
  if bad then return bad end
end

for _, d in ipairs(b.days) do
  local u, day = d[1], d[2]
  local k = p .. 'user:' .. u .. ':day:' .. day
  redis.call('HINCRBY', k, 'events', d[3])
  redis.call('HINCRBY', k, 'timeSpentSeconds', d[4])
  redis.call('HINCRBY', k, 'clicks', d[5])
  redis.call('HINCRBY', k, 'pageViews', d[6])
  local first = redis.call('HGET', k, 'firstEventMs')
  if not first or tonumber(d[7]) < tonumber(first) then redis.call('HSET', k, 'firstEventMs', d[7]) end
  local last = redis.call('HGET', k, 'lastEventMs')
  if not last or tonumber(d[8]) > tonumber(last) then redis.call('HSET', k, 'lastEventMs', d[8]) end
  for eventType, n in pairs(d[9]) do redis.call('HINCRBY', k, 'type:' .. eventType, n) end
  redis.call('ZINCRBY', p .. 'day:' .. day .. ':top:time', d[4], u)
  redis.call('ZINCRBY', p .. 'day:' .. day .. ':top:events', d[3], u)
end
for _, m in ipairs(b.mins) do
  local k = p .. 'user:' .. m[1] .. ':minute:' .. m[2]
  redis.call('HINCRBY', k, 'events', m[3])
  redis.call('HINCRBY', k, 'timeSpentSeconds', m[4])
  redis.call('EXPIRE', k, b.ttl)
end
for _, g in ipairs(b.glob) do
  local k = p .. 'minute:' .. g[1]
  redis.call('HINCRBY', k, g[2], g[3])
  redis.call('EXPIRE', k, b.ttl)
end

local s = b.pos
redis.call('HSET', KEYS[1], 'nextOffset', s.next, 'watermarkMs', s.wm, 'clusterId', s.cluster, 'lastRecordTs', s.ts, 'lastRecordCrc', s.crc, 'groupId', s.group, 'updatedAtMs', s.at)
redis.call('HINCRBY', KEYS[1], 'processed', s.counted)
redis.call('HINCRBY', KEYS[1], 'invalid', s.invalid)
redis.call('HINCRBY', KEYS[1], 'late', s.late)
redis.call('HINCRBY', KEYS[1], 'expired', s.expired)
redis.call('DEL', KEYS[2])
return 'committed'
`;
