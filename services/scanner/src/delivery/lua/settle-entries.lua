--[[
  Ends queued entries of one destination: delivered, or dead-lettered with a reason. Entries
  already ended (by another consumer) are skipped, so settling twice has no effect.

  KEYS[1]    queue         stream of the destination's signals (fields id, signal)
  KEYS[2]    attempts      hash entry id -> failed attempts
  KEYS[3]    dead letters  stream, trimmed to about ARGV[7] entries
  KEYS[4..]  marks         one per entry id in ARGV[8..], same order
  ARGV[1] consumer group name
  ARGV[2] outcome: 'delivered' or 'dead'
  ARGV[3] mark TTL (ms)
  ARGV[4] reason code (dead only)
  ARGV[5] reason text (dead only)
  ARGV[6] now (ms since the epoch)
  ARGV[7] dead letters kept (approximately)
  ARGV[8..] entry ids

  Returns the number of entries ended by this call.
]]
local ended = 0
for i = 8, #ARGV do
  local entryId = ARGV[i]
  local entry = redis.call('XRANGE', KEYS[1], entryId, entryId)[1]
  if entry then
    local fields = {}
    for f = 1, #entry[2], 2 do fields[entry[2][f]] = entry[2][f + 1] end
    if ARGV[2] == 'dead' then
      redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*',
        'signalId', fields['id'] or '', 'signal', fields['signal'] or '',
        'code', ARGV[4], 'reason', ARGV[5], 'at', ARGV[6])
    end
    redis.call('SET', KEYS[i - 4], ARGV[2], 'PX', ARGV[3])
    redis.call('XACK', KEYS[1], ARGV[1], entryId)
    redis.call('XDEL', KEYS[1], entryId)
    redis.call('HDEL', KEYS[2], entryId)
    ended = ended + 1
  end
end
return ended
