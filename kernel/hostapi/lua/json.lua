local HOST = ...
local level, encode, decode = HOST.level, HOST.json_encode, HOST.json_decode
local function fail(msg) error(msg, level()) end

-- Re-indent compact JSON (strings are copied as they are).
local function indent(json, step)
  local out, depth, i, n = {}, 0, 1, #json
  local pad = string.rep(' ', step)
  local function nl() out[#out + 1] = '\n' .. string.rep(pad, depth) end
  while i <= n do
    local c = json:sub(i, i)
    if c == '"' then
      local j = i + 1
      while true do
        local k = json:find('["\\]', j)
        if json:sub(k, k) == '\\' then j = k + 2 else j = k; break end
      end
      out[#out + 1] = json:sub(i, j)
      i = j
    elseif c == '{' or c == '[' then
      local close = c == '{' and '}' or ']'
      if json:sub(i + 1, i + 1) == close then
        out[#out + 1] = c .. close
        i = i + 1
      else
        out[#out + 1] = c
        depth = depth + 1
        nl()
      end
    elseif c == '}' or c == ']' then
      depth = depth - 1
      nl()
      out[#out + 1] = c
    elseif c == ',' then
      out[#out + 1] = ','
      nl()
    elseif c == ':' then
      out[#out + 1] = ': '
    else
      out[#out + 1] = c
    end
    i = i + 1
  end
  return table.concat(out)
end

JSON = {}

function JSON.parse(text)
  if type(text) ~= 'string' then fail('JSON.parse expects a string, got ' .. type(text)) end
  local v, err = decode(text)
  if err then fail('JSON.parse: ' .. err) end
  return v
end

function JSON.stringify(value, opts)
  if opts ~= nil and type(opts) ~= 'table' then fail('JSON.stringify: opts must be a table like {pretty = true}') end
  local ok, json = pcall(encode, value)
  if not ok then fail('JSON.stringify: ' .. tostring(json)) end
  if opts and (opts.pretty or opts.indent) then
    local step = math.tointeger(opts.indent) or 2
    return indent(json, step)
  end
  return json
end

JSON.encode = JSON.stringify
JSON.decode = JSON.parse
