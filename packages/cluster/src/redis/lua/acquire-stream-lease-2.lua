--[[
  Takes one of a subject's concurrent-stream slots, if one is free and the subject's key is not
  revoked. A slot is a lease that its holder renews; a pod that dies stops renewing, and its
  slots free themselves when their leases expire (on Redis's clock, the same for every pod).

  KEYS[1] leases   sorted set lease id -> expiry (ms)
  KEYS[2] revoked  sorted set key id -> revocation time (ms)
  ARGV[1] lease id
  ARGV[2] most slots the subject may hold
  ARGV[3] lease (ms)
  ARGV[4] key id looked up in KEYS[2] ('' : none)

  Returns the number of slots now held (the new one included); -1 (full) when none is free;
  -2 (revoked) when the key was revoked.
]]
if ARGV[4] ~= '' and redis.call('ZSCORE', KEYS[2], ARGV[4]) then
  return -2
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return -1
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('ZCARD', KEYS[1])
