--[[
  The leader's write of closed candles of one series, refused unless the caller still holds
  the leadership with the same epoch (the same check as fenced-publish-3.lua). Idempotent by
  open time: a candle whose open time the series holds already is skipped, so a failover or a
  replay never stores one twice.

  KEYS[1] leader             string <instanceId>:<epoch>
  KEYS[2] series             sorted set open time -> candle JSON
  KEYS[3] closes             stream of live closes (field c: candle JSON)
  KEYS[4] covered            hash <interval>|<symbol> -> "from:to,from:to" (open times, ms)
  KEYS[5] backfill requests  set of <interval>|<symbol>
  ARGV[1] our value <instanceId>:<epoch>
  ARGV[2] candles kept in the series (older ones are trimmed by rank)
  ARGV[3] approximate MAXLEN of the closes stream
  ARGV[4] the series' field <interval>|<symbol>
  ARGV[5] covered from (open time, ms)
  ARGV[6] covered to (open time, ms)
  ARGV[7] interval length (ms): ranges this close merge
  ARGV[8] source: close (also XADD to closes and PUBLISH) or backfill (also clears the request)
  ARGV[9] close events channel
  ARGV[10..] open time, candle JSON, open time, candle JSON, ...

  Returns the JSON of every candle stored, in argument order; -1 (not the leader) when the
  leadership is gone or moved on.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
local retained = tonumber(ARGV[2])
local step = tonumber(ARGV[7])
local live = ARGV[8] == 'close'
local stored = {}
for i = 10, #ARGV, 2 do
  local openTime = ARGV[i]
  if redis.call('ZCOUNT', KEYS[2], openTime, openTime) == 0 then
    redis.call('ZADD', KEYS[2], openTime, ARGV[i + 1])
    stored[#stored + 1] = ARGV[i + 1]
    if live then
      redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'c', ARGV[i + 1])
      redis.call('PUBLISH', ARGV[9], ARGV[i + 1])
    end
  end
end
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(retained + 1))

-- Covered ranges: the new one merged into the stored ones (overlapping or adjacent, one interval
-- apart, become one), then those wholly older than the retained window dropped.
local ranges = {}
for from, to in string.gmatch(redis.call('HGET', KEYS[4], ARGV[4]) or '', '(%d+):(%d+)') do
  ranges[#ranges + 1] = { tonumber(from), tonumber(to) }
end
ranges[#ranges + 1] = { tonumber(ARGV[5]), tonumber(ARGV[6]) }
table.sort(ranges, function(a, b) return a[1] < b[1] end)
local merged = {}
for _, range in ipairs(ranges) do
  local last = merged[#merged]
  if last and range[1] <= last[2] + step then
    if range[2] > last[2] then last[2] = range[2] end
  else
    merged[#merged + 1] = { range[1], range[2] }
  end
end
local newest = merged[#merged][2]
local parts = {}
for _, range in ipairs(merged) do
  if range[2] > newest - retained * step then
    parts[#parts + 1] = string.format('%d:%d', range[1], range[2])
  end
end
redis.call('HSET', KEYS[4], ARGV[4], table.concat(parts, ','))
if not live then
  redis.call('SREM', KEYS[5], ARGV[4])
end
return stored
