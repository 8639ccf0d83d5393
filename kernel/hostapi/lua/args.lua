local HOST = ...
local G = _G
local src, cache = false, {}

local function current()
  local a = rawget(G, 'arg')
  if a == src then return cache end
  src, cache = a, {}
  if type(a) ~= 'table' then return cache end
  local n, i = 0, 1
  while a[i] ~= nil do
    local s = tostring(a[i])
    local k, v = s:match('^%-%-([^=]+)=(.*)$')
    if k then
      cache[k] = v
    elseif s:match('^%-%-.') then
      k = s:sub(3)
      local nxt = a[i + 1]
      if nxt ~= nil and not tostring(nxt):match('^%-%-.') then
        cache[k] = tostring(nxt)
        i = i + 1
      else
        cache[k] = 'true'
      end
    else
      n = n + 1
      cache[n] = s
    end
    i = i + 1
  end
  return cache
end

ARGS = setmetatable({}, {
  __name = 'ARGS',
  __index = function(_, k) return current()[k] end,
  __newindex = function(_, k, v) current()[k] = v end,
  __len = function() return #current() end,
  __pairs = function() return next, current(), nil end,
})
