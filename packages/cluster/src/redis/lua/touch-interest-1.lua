--[[
  Marks symbols as wanted until now + ttl on Redis's clock (so pods with skewed clocks agree),
  keeping the later expiry of a symbol that is already wanted, and drops what has expired.

  KEYS[1] wanted     sorted set symbol -> expiry (ms since the epoch); the key itself expires
                     with the last of its leases
  ARGV[1] ttl (ms)
  ARGV[2] interest events channel
  ARGV[3..] symbols

  Returns the symbols nobody wanted before this call (absent, or expired at or before now), in
  argument order; when there are any, they are also published on the channel as a JSON array.
]]
local time = redis.call('TIME')
-- Whole milliseconds: TIME is {seconds, microseconds}.
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
-- Formatted once as whole milliseconds, the same score for every symbol of this call.
local expiry = string.format('%d', now + tonumber(ARGV[1]))
local added = {}
for i = 3, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if not score or tonumber(score) <= now then
    added[#added + 1] = ARGV[i]
  end
  -- GT: a shorter ttl from another pod never cuts a longer lease short; absent members are added.
  redis.call('ZADD', KEYS[1], 'GT', expiry, ARGV[i])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
-- The set lapses with its last lease, so an abandoned namespace leaves nothing behind.
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
if #added > 0 then
  redis.call('PUBLISH', ARGV[2], cjson.encode(added))
end
return added
