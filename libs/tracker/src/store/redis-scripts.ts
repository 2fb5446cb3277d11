/**
 * Lua run inside Redis, so an announce is one round trip and atomic across replicas. Every key of
 * one swarm shares the `{infoHash}` hash tag; the swarm index is the one key outside it.
 *
 * Keys of an announce (and of `forget`): 1 seeders of the announcer's kind (zset, score = expiry
 * in ms), 2 leechers of that kind, 3 peer data of that kind (hash: peer id → `ip|port|up|down|route`),
 * 4 seeders of the other kind, 5 leechers of the other kind, 6 the other kind's peer data,
 * 7 swarm meta (hash: completed, uploaded, downloaded, last), 8 the swarm index (zset, score = last
 * announce).
 */

/** Shared helpers: prune expired members of one zset (bounded) and drop a swarm nobody needs. */
const helpers = `
local function prune(zkey, hkey, now)
  local gone = redis.call('ZRANGEBYSCORE', zkey, '-inf', now, 'LIMIT', 0, 512)
  if #gone > 0 then
    redis.call('ZREM', zkey, unpack(gone))
    redis.call('HDEL', hkey, unpack(gone))
  end
  return #gone
end
-- now is passed as the caller's string: Lua would print a large number in exponent form.
local function live(zkey, now)
  return redis.call('ZCOUNT', zkey, '(' .. now, '+inf')
end
local function dropIfUnneeded(now, retention, infoHash)
  if redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[4])
      + redis.call('ZCARD', KEYS[5]) > 0 then
    return 0
  end
  local meta = redis.call('HMGET', KEYS[7], 'completed', 'last')
  local completed = tonumber(meta[1]) or 0
  local last = tonumber(meta[2]) or 0
  if completed == 0 or last + retention <= now then
    redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7])
    redis.call('ZREM', KEYS[8], infoHash)
    return 1
  end
  return 0
end
local function extend(key, ttl)
  local current = redis.call('PTTL', key)
  if current ~= -2 and current < ttl then redis.call('PEXPIRE', key, string.format('%.0f', ttl)) end
end
`;

/**
 * ARGV: 1 peer id, 2 peer data, 3 uploaded, 4 downloaded, 5 seeder ('1' or '0'), 6 event,
 * 7 numwant, 8 now (ms), 9 expires at (ms), 10 retention (ms), 11 info hash.
 * Returns { seeders, leechers, completed, id, data, seeder, id, data, seeder, ... }.
 */
export const announceScript = `${helpers}
local peerId = ARGV[1]
local nowArg = ARGV[8]
local now = tonumber(nowArg)
local expiresAt = tonumber(ARGV[9])
local retention = tonumber(ARGV[10])
local event = ARGV[6]
local seeder = ARGV[5] == '1'
local seedKey, leechKey, peersKey, metaKey = KEYS[1], KEYS[2], KEYS[3], KEYS[7]

prune(seedKey, peersKey, nowArg)
prune(leechKey, peersKey, nowArg)

local wasSeeder = redis.call('ZSCORE', seedKey, peerId) ~= false
local prev = redis.call('HGET', peersKey, peerId)
local prevUp, prevDown = 0, 0
if prev then
  local up, down = string.match(prev, '^[^|]*|[^|]*|([^|]*)|([^|]*)')
  prevUp = tonumber(up) or 0
  prevDown = tonumber(down) or 0
end
local deltaUp = tonumber(ARGV[3]) - prevUp
local deltaDown = tonumber(ARGV[4]) - prevDown
if deltaUp > 0 then redis.call('HINCRBY', metaKey, 'uploaded', string.format('%.0f', deltaUp)) end
if deltaDown > 0 then redis.call('HINCRBY', metaKey, 'downloaded', string.format('%.0f', deltaDown)) end
if event == 'completed' and not wasSeeder then redis.call('HINCRBY', metaKey, 'completed', 1) end
redis.call('HSET', metaKey, 'last', ARGV[8])
redis.call('ZADD', KEYS[8], ARGV[8], ARGV[11])

local picks = {}
if event == 'stopped' then
  redis.call('ZREM', seedKey, peerId)
  redis.call('ZREM', leechKey, peerId)
  redis.call('HDEL', peersKey, peerId)
else
  if seeder then
    redis.call('ZREM', leechKey, peerId)
    redis.call('ZADD', seedKey, ARGV[9], peerId)
  else
    redis.call('ZREM', seedKey, peerId)
    redis.call('ZADD', leechKey, ARGV[9], peerId)
  end
  redis.call('HSET', peersKey, peerId, ARGV[2])
  local ttl = math.max(1, expiresAt - now)
  -- Keys outlive their newest peer a little, so an idle swarm cleans itself up in Redis too.
  for _, key in ipairs({ seedKey, leechKey, peersKey }) do extend(key, ttl + 1000) end
  extend(metaKey, ttl + retention)

  local numwant = tonumber(ARGV[7])
  if numwant > 0 then
    local s = live(seedKey, nowArg) - (seeder and 1 or 0)
    local l = live(leechKey, nowArg) - (seeder and 0 or 1)
    local fromSeeders, fromLeechers
    if seeder then
      fromSeeders = 0
      fromLeechers = math.min(numwant, l)
    elseif s + l <= numwant then
      fromSeeders = s
      fromLeechers = l
    else
      fromSeeders = math.min(s, math.floor(numwant * s / (s + l) + 0.5))
      fromLeechers = math.min(l, numwant - fromSeeders)
      fromSeeders = math.min(s, numwant - fromLeechers)
    end
    local function take(key, want, flag)
      if want <= 0 then return end
      local got = redis.call('ZRANDMEMBER', key, want + 1, 'WITHSCORES')
      local taken = 0
      for i = 1, #got, 2 do
        if taken >= want then break end
        if got[i] ~= peerId and tonumber(got[i + 1]) > now then
          picks[#picks + 1] = got[i]
          picks[#picks + 1] = flag
          taken = taken + 1
        end
      end
    end
    take(seedKey, fromSeeders, 1)
    take(leechKey, fromLeechers, 0)
  end
end

local result = {
  live(KEYS[1], nowArg) + live(KEYS[4], nowArg),
  live(KEYS[2], nowArg) + live(KEYS[5], nowArg),
  tonumber(redis.call('HGET', metaKey, 'completed')) or 0,
}
if #picks > 0 then
  local ids = {}
  for i = 1, #picks, 2 do ids[#ids + 1] = picks[i] end
  local data = redis.call('HMGET', peersKey, unpack(ids))
  for i = 1, #ids do
    if data[i] then
      result[#result + 1] = ids[i]
      result[#result + 1] = data[i]
      result[#result + 1] = picks[i * 2]
    end
  end
end
if event == 'stopped' then dropIfUnneeded(now, retention, ARGV[11]) end
return result
`;

/** ARGV: 1 peer id, 2 now, 3 retention, 4 info hash. Returns 1 when the peer was there. */
export const forgetScript = `${helpers}
local removed = redis.call('ZREM', KEYS[1], ARGV[1]) + redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
dropIfUnneeded(tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4])
return removed
`;

/** ARGV: 1 now, 2 retention, 3 info hash. Returns peers removed. */
export const sweepScript = `${helpers}
local now = tonumber(ARGV[1])
local removed = 0
for _ = 1, 64 do
  local batch = prune(KEYS[1], KEYS[3], ARGV[1]) + prune(KEYS[2], KEYS[3], ARGV[1])
    + prune(KEYS[4], KEYS[6], ARGV[1]) + prune(KEYS[5], KEYS[6], ARGV[1])
  removed = removed + batch
  if batch == 0 then break end
end
if redis.call('EXISTS', KEYS[7]) == 0 and redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2])
    + redis.call('ZCARD', KEYS[4]) + redis.call('ZCARD', KEYS[5]) == 0 then
  redis.call('ZREM', KEYS[8], ARGV[3])
else
  dropIfUnneeded(now, tonumber(ARGV[2]), ARGV[3])
end
return removed
`;
