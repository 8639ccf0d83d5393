-- JSON encoding/decoding for display.json and the host API (host calls pass JSON text).
local H, A, I = ...
local B = I.B -- the standard functions as they were before the agent replaced any
local getmetatable, setmetatable, next, type = B.getmetatable, B.setmetatable, B.next, B.type
local tostring, tonumber, pcall, error = B.tostring, B.tonumber, B.pcall, B.error
local sformat, ssub, sfind, sgsub, smatch = B.sformat, B.ssub, B.sfind, B.sgsub, B.smatch
local tconcat = B.tconcat
local sorted_keys = I.sorted_keys

-- JSON encoding (for display.json and the host API) ------------------------------------------------------
local function json_string(v)
  return '"' .. sgsub(v, '[%c"\\\128-\255]', function(c)
    local b = c:byte()
    if c == '"' then return '\\"' elseif c == '\\' then return '\\\\'
    elseif c == '\n' then return '\\n' elseif c == '\r' then return '\\r' elseif c == '\t' then return '\\t'
    elseif b < 32 then return sformat('\\u%04x', b) end
    return c
  end) .. '"'
end
local function json_encode(v, seen)
  local t = type(v)
  if t == 'nil' then return 'null'
  elseif t == 'boolean' then return tostring(v)
  elseif t == 'number' then
    if v ~= v or v == math.huge or v == -math.huge then return 'null' end
    if math.type(v) == 'integer' then return tostring(v) end
    return sformat('%.17g', v)
  elseif t == 'string' then return json_string(v)
  elseif t == 'table' then
    seen = seen or {}
    if seen[v] then error('cannot encode a table with cycles as JSON', 0) end
    seen[v] = true
    local n = #v
    local count = 0
    for _ in next, v do count = count + 1 end
    local parts = {}
    if n > 0 and count == n then
      for i = 1, n do parts[i] = json_encode(v[i], seen) end
      seen[v] = nil
      return '[' .. tconcat(parts, ',') .. ']'
    end
    local keys = sorted_keys(v, math.huge)
    for _, k in ipairs(keys) do parts[#parts + 1] = json_string(tostring(k)) .. ':' .. json_encode(v[k], seen) end
    seen[v] = nil
    if #parts == 0 then return (getmetatable(v) == A.ARRAY) and '[]' or '{}' end
    return '{' .. tconcat(parts, ',') .. '}'
  end
  return json_string(tostring(v))
end
A.json_encode = json_encode
A.ARRAY = {}

-- JSON decoding: null becomes A.NULL when keep_null, else nil; arrays get the A.ARRAY metatable
-- only when empty (so they re-encode as []).
local NULL = setmetatable({}, { __name = 'json.null', __tostring = function() return 'null' end })
A.NULL = NULL
local function json_decode(str, keep_null)
  local pos = 1
  local function fail(what)
    error(sformat('JSON: %s at position %d', what, pos), 0)
  end
  local function ws() pos = smatch(str, '^[ \n\r\t]*()', pos) end
  local value
  local escapes = { b = '\b', f = '\f', n = '\n', r = '\r', t = '\t', ['"'] = '"', ['\\'] = '\\', ['/'] = '/' }
  local function str_value()
    local parts, i = {}, pos + 1
    while true do
      local j = sfind(str, '["\\]', i)
      if not j then fail('unterminated string') end
      parts[#parts + 1] = ssub(str, i, j - 1)
      if ssub(str, j, j) == '"' then pos = j + 1; return tconcat(parts) end
      local e = ssub(str, j + 1, j + 1)
      if e == 'u' then
        local hex = ssub(str, j + 2, j + 5)
        local cp = tonumber(hex, 16)
        if not cp then fail('bad \\u escape') end
        local k = j + 6
        if cp >= 0xD800 and cp <= 0xDBFF and ssub(str, k, k + 1) == '\\u' then
          local lo = tonumber(ssub(str, k + 2, k + 5), 16)
          if lo and lo >= 0xDC00 and lo <= 0xDFFF then
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
            k = k + 6
          end
        end
        parts[#parts + 1] = utf8.char(cp)
        i = k
      else
        local r = escapes[e]
        if not r then fail('bad escape') end
        parts[#parts + 1] = r
        i = j + 2
      end
    end
  end
  value = function()
    ws()
    local c = ssub(str, pos, pos)
    if c == '{' then
      local t = {}
      pos = pos + 1
      ws()
      if ssub(str, pos, pos) == '}' then pos = pos + 1; return t end
      while true do
        ws()
        if ssub(str, pos, pos) ~= '"' then fail('expected a string key') end
        local k = str_value()
        ws()
        if ssub(str, pos, pos) ~= ':' then fail("expected ':'") end
        pos = pos + 1
        local v = value()
        if v == nil and keep_null then v = NULL end
        t[k] = v
        ws()
        local d = ssub(str, pos, pos)
        pos = pos + 1
        if d == '}' then return t end
        if d ~= ',' then fail("expected ',' or '}'") end
      end
    elseif c == '[' then
      local t, n = {}, 0
      pos = pos + 1
      ws()
      if ssub(str, pos, pos) == ']' then pos = pos + 1; return setmetatable(t, A.ARRAY) end
      while true do
        local v = value()
        n = n + 1
        if v == nil and keep_null then v = NULL end
        t[n] = v
        ws()
        local d = ssub(str, pos, pos)
        pos = pos + 1
        if d == ']' then return t end
        if d ~= ',' then fail("expected ',' or ']'") end
      end
    elseif c == '"' then return str_value()
    elseif ssub(str, pos, pos + 3) == 'true' then pos = pos + 4; return true
    elseif ssub(str, pos, pos + 4) == 'false' then pos = pos + 5; return false
    elseif ssub(str, pos, pos + 3) == 'null' then pos = pos + 4; return nil
    else
      local num, after = smatch(str, '^(-?%d+%.?%d*[eE]?[%+%-]?%d*)()', pos)
      if not num or num == '' then fail('unexpected character') end
      pos = after
      return math.tointeger(tonumber(num)) or tonumber(num)
    end
  end
  local ok, res = pcall(value)
  if not ok then return nil, res end
  ws()
  if pos <= #str then return nil, sformat('JSON: trailing characters at position %d', pos) end
  return res
end
A.json_decode = json_decode

I.json_encode, I.json_decode, I.NULL = json_encode, json_decode, NULL
