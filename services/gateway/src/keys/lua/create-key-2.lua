--[[
  Stores a new API key's record and its hash index together, unless the id or the hash is
  already taken (random collisions; the caller draws a new key).

  KEYS[1] api keys        hash key id -> record JSON
  KEYS[2] api key hashes  hash SHA-256 (hex) -> key id
  ARGV[1] key id
  ARGV[2] SHA-256 of the key (hex)
  ARGV[3] record JSON

  Returns 1 when stored; -1 (taken) when the id or the hash exists already.
]]
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then
  return -1
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return 1
