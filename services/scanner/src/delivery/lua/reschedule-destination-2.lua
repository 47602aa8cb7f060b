--[[
  Says when a destination is served next, or forgets it when its queue is empty. Atomic with
  enqueue-signal-4.lua, so a signal queued meanwhile is never left unscheduled.

  KEYS[1] queue  stream of the destination's signals
  KEYS[2] due    sorted set destination id -> when to serve it next (ms)
  ARGV[1] destination id
  ARGV[2] when to serve it next (ms since the epoch)

  Returns 1 when scheduled, 0 when the queue was empty and the destination forgotten.
]]
if redis.call('XLEN', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
