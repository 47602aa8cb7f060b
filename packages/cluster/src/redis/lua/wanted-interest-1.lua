--[[
  Lists what is wanted now on Redis's clock, dropping what has expired.

  KEYS[1] wanted   sorted set symbol -> expiry (ms since the epoch)

  Returns every symbol whose expiry is after now, in expiry order (the caller sorts by name).
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)
