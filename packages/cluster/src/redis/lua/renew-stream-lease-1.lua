--[[
  Extends a held stream lease; a lease that expired (its holder was paused past it) is not
  taken back, as its slot may be someone else's by now.

  KEYS[1] leases  sorted set lease id -> expiry (ms)
  ARGV[1] lease id
  ARGV[2] lease (ms)

  Returns 1 when extended; 0 (lost) when the lease is gone.
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
