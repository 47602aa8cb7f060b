--[[
  Stores a signal at most once, and only for the active scanner (fencing): the dedupe mark and
  the stream entry are written together, so a signal is either stored with its mark or not at
  all. Entries older than the retention are trimmed (MINID, on Redis's clock).

  KEYS[1] leader       string <instanceId>:<epoch> (the scanner's election)
  KEYS[2] signals      stream; fields o (owner id), s (strategy id), y (symbol), j (signal JSON)
  KEYS[3] signal seen  string with a TTL: this signal id was stored
  ARGV[1] our value <instanceId>:<epoch>
  ARGV[2] retention (ms): the dedupe mark's TTL and the stream's window
  ARGV[3] owner id
  ARGV[4] strategy id
  ARGV[5] symbol
  ARGV[6] signal JSON

  Returns the new entry id; 0 when the signal was stored before (nothing written); -1 (not the
  leader) when the leadership is gone or moved on.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
if not redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[2]) then
  return 0
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local oldest = string.format('%d', now - tonumber(ARGV[2]))
return redis.call('XADD', KEYS[2], 'MINID', '~', oldest, '*',
  'o', ARGV[3], 's', ARGV[4], 'y', ARGV[5], 'j', ARGV[6])
