--[[
  Applies one change of the catalog (a record and its indexes) only if no other change came
  between the caller's reads and this write: the catalog version is compared first, every
  operation runs, and the version moves on, all at once. So an index never disagrees with its
  records, and two concurrent writers cannot both act on what they read.

  KEYS[1] catalog version  counter (absent = 0)
  ARGV[1] the version the caller read
  ARGV[2] operations, JSON: [[command, key, args...], ...], each key of the caller's namespace
          (the same hash tag as KEYS[1]); commands:
            SET key value | DEL key | SADD/SREM key member | ZADD key score member | ZREM key member
            HDEL key field
            HINCRBY key field delta (the field is removed when it reaches 0)

  Returns the new version; -2 (conflict) when the version moved since the caller read it.
]]
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current ~= tonumber(ARGV[1]) then
  return -2
end
local allowed = { SET = true, DEL = true, SADD = true, SREM = true, ZADD = true, ZREM = true, HDEL = true }
for _, op in ipairs(cjson.decode(ARGV[2])) do
  local command = op[1]
  if command == 'HINCRBY' then
    if redis.call('HINCRBY', op[2], op[3], op[4]) <= 0 then
      redis.call('HDEL', op[2], op[3])
    end
  elseif allowed[command] then
    redis.call(command, unpack(op, 2))
  else
    return redis.error_reply('write-catalog: unknown command ' .. tostring(command))
  end
end
return redis.call('INCR', KEYS[1])
