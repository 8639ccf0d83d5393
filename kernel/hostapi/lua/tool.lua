local HOST = ...
local level = HOST.level
local function fail(msg) error(msg, level()) end
local tools = {}
for _, s in ipairs(HOST.json_decode(TOOL_SPECS, false)) do
  tools[s.name] = { name = s.name, description = s.description, parameters = s.parameters, source = 'builtin' }
end

local function names()
  local n = {}
  for k in pairs(tools) do n[#n + 1] = k end
  table.sort(n)
  return n
end

local JSON_TYPES = {
  string = function(v) return type(v) == 'string' end,
  number = function(v) return type(v) == 'number' end,
  integer = function(v) return math.type(v) == 'integer' end,
  boolean = function(v) return type(v) == 'boolean' end,
  object = function(v) return type(v) == 'table' end,
  array = function(v) return type(v) == 'table' end,
}

local function check_params(t, params)
  local schema = t.parameters
  if type(schema) ~= 'table' then return end
  if type(schema.required) == 'table' then
    for _, r in ipairs(schema.required) do
      if params[r] == nil then fail("tool '" .. t.name .. "': missing required parameter '" .. tostring(r) .. "'") end
    end
  end
  if type(schema.properties) == 'table' then
    for k, prop in pairs(schema.properties) do
      local v = params[k]
      local check = type(prop) == 'table' and JSON_TYPES[prop.type]
      if v ~= nil and check and not check(v) then
        fail("tool '" .. t.name .. "': parameter '" .. k .. "' must be " .. prop.type .. ', got ' .. type(v))
      end
    end
  end
end

local function get(name)
  if type(name) ~= 'string' then fail('tool name must be a string, got ' .. type(name)) end
  local t = tools[name]
  if not t then fail("unknown tool '" .. name .. "' (registered: " .. table.concat(names(), ', ') .. ')') end
  return t
end

local function invoke(name, params)
  local t = get(name)
  if params == nil then params = {} end
  if type(params) ~= 'table' then fail("tool '" .. name .. "': parameters must be a table, got " .. type(params)) end
  check_params(t, params)
  if t.fn then return t.fn(params) end
  return HOST.call('tool.run', { name = name, params = params }).result
end

HOST.tools = {
  exists = function(name) return tools[name] ~= nil end,
  spec = function(name)
    local t = get(name)
    return { name = t.name, description = t.description, parameters = t.parameters }
  end,
  invoke = invoke,
}

Tool = {}

function Tool.list()
  return setmetatable(names(), HOST.ARRAY)
end

function Tool.exists(name)
  return type(name) == 'string' and tools[name] ~= nil
end

function Tool.get_info(name)
  local t = type(name) == 'string' and tools[name]
  if not t then return nil end
  return { name = t.name, description = t.description, parameters = t.parameters, source = t.source }
end

function Tool.execute(name, params)
  return invoke(name, params)
end

function Tool.register(name, spec, description)
  if type(name) ~= 'string' or not name:match('^[%w_%-]+$') then
    fail('Tool.register: the name must be letters, digits, _ or - (got ' .. tostring(name) .. ')')
  end
  local fn, params
  if type(spec) == 'function' then
    fn = spec
  elseif type(spec) == 'table' then
    fn = spec.handler or spec.execute or spec.fn or spec[1]
    params = spec.parameters or spec.schema
    description = description or spec.description
    if params ~= nil and type(params) ~= 'table' then fail('Tool.register: parameters must be a table (a JSON schema)') end
  end
  if type(fn) ~= 'function' then
    fail('Tool.register expects a function or a table with a handler function')
  end
  if description ~= nil and type(description) ~= 'string' then fail('Tool.register: description must be a string') end
  tools[name] = {
    name = name,
    description = description or '',
    parameters = params or { type = 'object', properties = {} },
    fn = fn,
    source = 'lua',
  }
  return true
end
