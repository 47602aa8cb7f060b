--[[
  The leader's only write: one batch into the latest-values hash and the stream, refused
  unless the caller still holds the leadership with the same epoch (fencing).

  KEYS[1] leader   string <instanceId>:<epoch>
  KEYS[2] prices   hash symbol -> ticker JSON
  KEYS[3] ticks    stream of batches
  ARGV[1] our value <instanceId>:<epoch>
  ARGV[2] approximate MAXLEN of the stream
  ARGV[3] epoch (stored in the entry as field e)
  ARGV[4] batch JSON (stored as field b)
  ARGV[5..] symbol, ticker JSON, symbol, ticker JSON, ... (latest per symbol in the batch)

  Returns the new entry id; -1 (not the leader) when the leadership is gone or moved on.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
if #ARGV > 4 then
  redis.call('HSET', KEYS[2], unpack(ARGV, 5, #ARGV))
end
return redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[3], 'b', ARGV[4])
