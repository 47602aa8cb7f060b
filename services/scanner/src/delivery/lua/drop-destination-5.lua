--[[
  Empties a destination that can no longer be served (its webhook is gone, it was removed):
  every queued entry becomes a dead letter with the reason, and nothing is scheduled for it.
  When ARGV[6] is '1' the destination is also disabled, so nothing is queued for it again.

  KEYS[1] queue         stream of the destination's signals (fields id, signal)
  KEYS[2] attempts      hash entry id -> failed attempts
  KEYS[3] dead letters  stream, trimmed to about ARGV[5] entries
  KEYS[4] disabled      hash destination id -> JSON {code, reason, at}
  KEYS[5] due           sorted set destination id -> when to serve it next
  ARGV[1] destination id
  ARGV[2] reason code
  ARGV[3] reason text
  ARGV[4] now (ms since the epoch)
  ARGV[5] dead letters kept (approximately)
  ARGV[6] '1' to disable the destination, '0' to only empty it

  Returns the number of entries dead-lettered.
]]
local entries = redis.call('XRANGE', KEYS[1], '-', '+')
for _, entry in ipairs(entries) do
  local fields = {}
  for f = 1, #entry[2], 2 do fields[entry[2][f]] = entry[2][f + 1] end
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*',
    'signalId', fields['id'] or '', 'signal', fields['signal'] or '',
    'code', ARGV[2], 'reason', ARGV[3], 'at', ARGV[4])
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[5], ARGV[1])
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[4], ARGV[1],
    cjson.encode({code = ARGV[2], reason = ARGV[3], at = tonumber(ARGV[4])}))
end
return #entries
