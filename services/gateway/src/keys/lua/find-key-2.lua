--[[
  Finds the record of the key whose SHA-256 is given, in one round trip.

  KEYS[1] api key hashes  hash SHA-256 (hex) -> key id
  KEYS[2] api keys        hash key id -> record JSON
  ARGV[1] SHA-256 of the presented key (hex)

  Returns the record JSON, or false when no key has this hash.
]]
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then
  return false
end
return redis.call('HGET', KEYS[2], id)
