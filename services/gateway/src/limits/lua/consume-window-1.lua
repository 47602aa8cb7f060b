--[[
  Counts `cost` against a subject's fixed window, which starts at the subject's first counted
  request and lasts `window` ms: every replica counts in the same place, so a limit holds for the
  whole gateway. A cost of 0 only reads the window (a check before the work).

  KEYS[1] window  counter with a PX TTL: what the subject used in its current window
  ARGV[1] cost (0: read only)
  ARGV[2] window (ms)

  Returns { used, ms until the window ends } (0 ms when no window is open).
]]
local cost = tonumber(ARGV[1])
local used
if cost > 0 then
  used = redis.call('INCRBY', KEYS[1], cost)
  if used == cost then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  end
else
  used = tonumber(redis.call('GET', KEYS[1]) or '0')
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -1 then
  -- A counter without a TTL would never reset: start its window now.
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
elseif ttl < 0 then
  ttl = 0
end
return { used, ttl }
