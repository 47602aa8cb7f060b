--[[
  Marks a key revoked (once: a second revocation keeps the first time). The record and its
  hash index stay, so the key is refused as revoked and still listed.

  KEYS[1] api keys  hash key id -> record JSON
  ARGV[1] key id
  ARGV[2] revocation time (ISO 8601)

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
return json
