--[[
  Gives the leadership up (compare-and-delete) and tells candidates at once.

  KEYS[1] leader         string <instanceId>:<epoch>
  KEYS[2] leader report  string
  ARGV[1] our value <instanceId>:<epoch>
  ARGV[2] leader events channel

  Returns 1 when released (and "released <value>" published); -1 (not the leader) otherwise.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[2], 'released ' .. ARGV[1])
return 1
