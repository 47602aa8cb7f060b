--[[
  Counts one more failed attempt for each entry still queued. An entry ended meanwhile (settled
  by another consumer, its destination removed) is not counted, so no count outlives its entry.

  KEYS[1] queue     stream of the destination's signals
  KEYS[2] attempts  hash entry id -> failed attempts
  ARGV[1..] entry ids

  Returns the highest count among the entries still queued; 0 when none is.
]]
local highest = 0
for i = 1, #ARGV do
  if #redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i]) > 0 then
    local count = redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
    if count > highest then highest = count end
  end
end
return highest
