--[[
  Marks a key revoked (once: a second revocation keeps the first time). The record and its
  hash index stay, so the key is refused as revoked and still listed. The id also goes into the
  revoked set that the pods read when a stream token of the key is presented, and onto the
  revocation channel, on which every pod closes the streams opened with the key's tokens (again
  on every call, so revoking again closes what an earlier message may have missed).

  KEYS[1] api keys  hash key id -> record JSON
  KEYS[2] revoked   sorted set key id -> revocation time (ms on Redis's clock)
  ARGV[1] key id
  ARGV[2] revocation time (ISO 8601)
  ARGV[3] how long the revoked set remembers a key (ms): the longest lifetime of a stream token
  ARGV[4] revocation channel

  Returns the record JSON as it now is, or false when no key has this id.
]]
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then
  return false
end
local record = cjson.decode(json)
if record.revokedAt == nil then
  record.revokedAt = ARGV[2]
  json = cjson.encode(record)
  redis.call('HSET', KEYS[1], ARGV[1], json)
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[1])
return json
