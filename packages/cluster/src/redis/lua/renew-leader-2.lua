--[[
  Extends the lease, only if it is still ours, and stores the leader's report beside it.

  KEYS[1] leader         string <instanceId>:<epoch>
  KEYS[2] leader report  string
  ARGV[1] our value <instanceId>:<epoch>
  ARGV[2] lease (ms)
  ARGV[3] report (JSON)

  Returns 1 when renewed; -1 (not the leader) when the lease is gone or held by another.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
return 1
