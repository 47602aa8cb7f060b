--[[
  Takes one of a subject's concurrent-stream slots, if one is free. A slot is a lease that its
  holder renews; a replica that dies stops renewing, and its slots free themselves when their
  leases expire (on Redis's clock, the same for every replica).

  KEYS[1] leases  sorted set lease id -> expiry (ms)
  ARGV[1] lease id
  ARGV[2] most slots the subject may hold
  ARGV[3] lease (ms)

  Returns the number of slots now held (the new one included); -1 (full) when none is free.
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return -1
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('ZCARD', KEYS[1])
