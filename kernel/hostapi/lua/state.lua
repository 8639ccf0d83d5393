local HOST = ...
local call, level = HOST.call, HOST.level
local function fail(msg) error(msg, level()) end

local function check(what, key, scope)
  if type(key) ~= 'string' then fail(what .. ' expects a string key, got ' .. type(key)) end
  if scope ~= nil and type(scope) ~= 'string' then fail(what .. ': scope must be a string') end
end

local STORABLE = { string = true, number = true, boolean = true, table = true }

State = {}

function State.get(key, scope)
  check('State.get', key, scope)
  return call('state.get', { key = key, scope = scope }).value
end

function State.set(key, value, scope)
  check('State.set', key, scope)
  if value == nil then
    call('state.delete', { key = key, scope = scope })
    return
  end
  if not STORABLE[type(value)] then fail('State.set cannot store a ' .. type(value)) end
  local ok, json = pcall(HOST.json_encode, value)
  if not ok then fail('State.set: ' .. tostring(json)) end
  call('state.set', { key = key, scope = scope, json = json })
end

function State.delete(key, scope)
  check('State.delete', key, scope)
  return call('state.delete', { key = key, scope = scope }).deleted
end

function State.list(scope)
  if scope ~= nil and type(scope) ~= 'string' then fail('State.list: scope must be a string') end
  return setmetatable(call('state.list', { scope = scope }).keys, HOST.ARRAY)
end

State.save = function(scope, key, value) return State.set(key, value, scope) end
State.load = function(scope, key) return State.get(key, scope) end
