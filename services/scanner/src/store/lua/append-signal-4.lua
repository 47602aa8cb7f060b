--[[
  Stores a signal at most once, and only for the active scanner (fencing): the dedupe mark and
  the stream entry are written together, so a signal is either stored with its mark or not at
  all. A strategy's cooldown is kept here too, in candle time (the open times of the signals'
  candles), so it holds across failovers and replays in any order. Entries older than the
  retention are trimmed (MINID, on Redis's clock).

  KEYS[1] leader       string <instanceId>:<epoch> (the scanner's election)
  KEYS[2] signals      stream; fields o (owner id), s (strategy id), y (symbol), j (signal JSON)
  KEYS[3] signal seen  string with a TTL: this signal id was stored
  KEYS[4] cooldown     string with a TTL: open time of the candle of the strategy's last signal on this symbol
  ARGV[1] our value <instanceId>:<epoch>
  ARGV[2] retention (ms): the dedupe mark's TTL and the stream's window
  ARGV[3] owner id
  ARGV[4] strategy id
  ARGV[5] symbol
  ARGV[6] signal JSON
  ARGV[7] open time of the signal's candle (ms)
  ARGV[8] cooldown (ms); 0: none

  Returns the new entry id; 0 when the signal was stored before (nothing written); 1 when the
  strategy is cooling down on this symbol (nothing written); -1 (not the leader) when the
  leadership is gone or moved on.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  return 0
end
local openTime = tonumber(ARGV[7])
local cooldown = tonumber(ARGV[8])
if cooldown > 0 then
  local last = tonumber(redis.call('GET', KEYS[4]))
  if last and math.abs(openTime - last) < cooldown then
    return 1
  end
  if not last or openTime > last then
    -- Kept a cooldown past the candle's time, so a late replay of a neighbour is still refused.
    redis.call('SET', KEYS[4], ARGV[7], 'PX', cooldown * 2)
  end
end
redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local oldest = string.format('%d', now - tonumber(ARGV[2]))
return redis.call('XADD', KEYS[2], 'MINID', '~', oldest, '*',
  'o', ARGV[3], 's', ARGV[4], 'y', ARGV[5], 'j', ARGV[6])
