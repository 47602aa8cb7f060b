--[[
  Queues one signal for one destination, once.

  KEYS[1] queue      stream of the destination's signals (fields id, signal)
  KEYS[2] mark       string: the signal's state at this destination, with a TTL
  KEYS[3] disabled   hash destination id -> why it was disabled
  KEYS[4] due        sorted set destination id -> when to serve it next (ms)
  ARGV[1] destination id
  ARGV[2] signal id
  ARGV[3] signal JSON
  ARGV[4] mark TTL (ms)
  ARGV[5] now (ms since the epoch)
  ARGV[6] consumer group name
  ARGV[7] most entries the queue may hold

  Returns the new entry id; 0 when the signal was queued or delivered here before;
          -1 when the destination is disabled; -2 when its queue is full.
]]
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then
  return -1
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[7]) then
  return -2
end
-- The group exists before the first entry, so every entry is read through it.
local created = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[6], '0', 'MKSTREAM')
if type(created) == 'table' and created.err and not string.find(created.err, 'BUSYGROUP', 1, true) then
  return redis.error_reply(created.err)
end
redis.call('SET', KEYS[2], 'queued', 'PX', ARGV[4])
local id = redis.call('XADD', KEYS[1], '*', 'id', ARGV[2], 'signal', ARGV[3])
-- NX: a destination already waiting (for its rate limit, a retry) keeps its time.
redis.call('ZADD', KEYS[4], 'NX', ARGV[5], ARGV[1])
return id
