-- Rendering values for results, inspection and the debugger's variables (bounded, cycle-safe).
local H, A, I = ...
local B = I.B -- the standard functions as they were before the agent replaced any
local getmetatable, rawget, next, type = B.getmetatable, B.rawget, B.next, B.type
local tostring, pcall = B.tostring, B.pcall
local sformat, ssub, sfind, sgsub, smatch = B.sformat, B.ssub, B.sfind, B.sgsub, B.smatch
local tconcat, tsort = B.tconcat, B.tsort

-- Rendering ---------------------------------------------------------------------------------------
local function is_ident(s) return type(s) == 'string' and smatch(s, '^[%a_][%w_]*$') ~= nil end
local function short(v)
  local t = type(v)
  if t == 'string' then
    if #v > 200 then return sformat('%q', ssub(v, 1, 200)) .. '...' end
    return (sgsub(sformat('%q', v), '\\\n', '\\n'))
  elseif t == 'number' or t == 'boolean' or t == 'nil' then
    return tostring(v)
  end
  local mt = getmetatable(v)
  if mt and type(mt) == 'table' and rawget(mt, '__tostring') then
    local ok, s = pcall(tostring, v)
    if ok then return tostring(s) end
  end
  return tostring(v)
end

local function key_repr(k)
  if is_ident(k) then return k end
  return '[' .. short(k) .. ']'
end

local function sorted_keys(t, limit)
  local keys, n = {}, 0
  for k in next, t do
    n = n + 1
    if n <= limit then keys[n] = k end
  end
  tsort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta == 'number' and tb == 'number' then return a < b end
    if ta == 'number' then return true end
    if tb == 'number' then return false end
    return tostring(a) < tostring(b)
  end)
  return keys, n
end

-- A readable, bounded rendering of any value (execute results, inspect, variable values).
local function render(v, depth, seen, indent)
  local t = type(v)
  if t ~= 'table' then return short(v) end
  local mt = getmetatable(v)
  if mt and type(mt) == 'table' and rawget(mt, '__tostring') then return short(v) end
  seen = seen or {}
  if seen[v] then return '<cycle ' .. tostring(v) .. '>' end
  depth = depth or 3
  indent = indent or ''
  if depth <= 0 then return '{...}' end
  seen[v] = true
  local keys, n = sorted_keys(v, 100)
  if n == 0 then seen[v] = nil; return '{}' end
  local parts, len, seq = {}, 0, 1
  local multiline = false
  for i = 1, #keys do
    local k = keys[i]
    local item
    if k == seq then
      item = render(rawget(v, k), depth - 1, seen, indent .. '  ')
      seq = seq + 1
    else
      item = key_repr(k) .. ' = ' .. render(rawget(v, k), depth - 1, seen, indent .. '  ')
    end
    parts[#parts + 1] = item
    len = len + #item + 2
    if sfind(item, '\n', 1, true) then multiline = true end
  end
  if n > #keys then parts[#parts + 1] = '... (' .. (n - #keys) .. ' more)' end
  seen[v] = nil
  if len > 72 or multiline then
    return '{\n' .. indent .. '  ' .. tconcat(parts, ',\n' .. indent .. '  ') .. '\n' .. indent .. '}'
  end
  return '{' .. tconcat(parts, ', ') .. '}'
end
A.render = render

I.is_ident, I.short, I.key_repr, I.sorted_keys, I.render = is_ident, short, key_repr, sorted_keys, render
