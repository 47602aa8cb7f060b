--[[
  Takes the leadership when nobody holds it.

  KEYS[1] leader         string <instanceId>:<epoch>, PX lease
  KEYS[2] epoch          counter
  KEYS[3] leader report  string, cleared for the new leader
  ARGV[1] instance id
  ARGV[2] lease (ms)
  ARGV[3] highest epoch this candidate has seen (keeps epochs rising after Redis lost its data)
  ARGV[4] leader events channel

  Returns {1, "<id>:<epoch>"} when acquired, announced on the channel as "elected <value>";
          {0, "<holder>", "<report or empty>"} when someone else holds it.
]]
local holder = redis.call('GET', KEYS[1])
if holder then
  return {0, holder, redis.call('GET', KEYS[3]) or ''}
end
local epoch = redis.call('INCR', KEYS[2])
local seen = tonumber(ARGV[3])
if epoch <= seen then
  epoch = seen + 1
  redis.call('SET', KEYS[2], epoch)
end
local value = ARGV[1] .. ':' .. epoch
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
redis.call('DEL', KEYS[3])
redis.call('PUBLISH', ARGV[4], 'elected ' .. value)
return {1, value}
