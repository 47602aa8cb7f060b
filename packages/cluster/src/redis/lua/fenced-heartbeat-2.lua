--[[
  The leader's heartbeat, refused unless the caller still holds the leadership (fencing), so a
  paused old leader that wakes up cannot overwrite the new leader's.

  KEYS[1] leader     string <instanceId>:<epoch>
  KEYS[2] heartbeat  string (JSON)
  ARGV[1] our value <instanceId>:<epoch>
  ARGV[2] heartbeat JSON
  ARGV[3] TTL of the heartbeat (ms): a leader gone for good leaves no heartbeat behind

  Returns 1 when written; -1 (not the leader) when the leadership is gone or moved on.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
