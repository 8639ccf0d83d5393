-- llmspell runtime agent. Loaded once per VM under the chunk name "=[llmspell]".
-- It receives H, a table of host (JavaScript) functions, and returns the agent table A that the
-- worker calls. Everything the debugger does to the Lua stack happens here, on the stopped thread.
local H = ...
local AGENT = '=[llmspell]'
local getinfo, getlocal, setlocal = debug.getinfo, debug.getlocal, debug.setlocal
local getupvalue, setupvalue, sethook = debug.getupvalue, debug.setupvalue, debug.sethook
local getmetatable, setmetatable, rawget, rawset, next, type, select = getmetatable, setmetatable, rawget, rawset, next, type, select
local tostring, tonumber, pcall, xpcall, error, load = tostring, tonumber, pcall, xpcall, error, load
local sformat, srep, ssub, sfind, sgsub, smatch = string.format, string.rep, string.sub, string.find, string.gsub, string.match
local tconcat, tsort, tunpack = table.concat, table.sort, table.unpack
local rawresume, rawcreate, rawrunning, rawstatus = coroutine.resume, coroutine.create, coroutine.running, coroutine.status
local MAIN = rawrunning() -- replaced by the thread that runs A.run
-- C functions and agent wrappers that never show in user stacks.
local HIDDEN_C = { [error] = true, [xpcall] = true, [pcall] = false }
local G = _G

local A = {}
local S = {
  stepping = nil,      -- {kind, co, abs, func}
  lateAny = false,     -- some breakpoint lines have no probe in an already loaded chunk
  late = {},           -- late[source][line] = true
  bps = {},            -- bps[source][line] = {id, cond, hitop, hitn, log, hits}
  fbps = {},           -- fbps[source][line] = id (function breakpoints, resolved to a line)
  filters = { uncaught = false, all = false },
  inStop = false,
  interrupting = false,
  budget = nil,        -- remaining ticks of the instruction budget (1 tick = TICK instructions)
  entry = false,       -- stop on the next user line (stopOnEntry)
  -- The line the hook just handled (stop or breakpoint check): the probe that runs right after
  -- on the same line must not handle it again (no double stop, no double hit count).
  hookVisited = nil,
}
local TICK = 100000

-- Thread tracking -------------------------------------------------------------------------------
-- CO[1] is the depth of the resume chain, CO[d+1] the d-th running coroutine. The array is
-- preallocated so the host can read it at any instruction boundary without the table changing shape.
local CO = {}
for i = 1, 258 do CO[i] = false end
CO[1] = 0
A.CO = CO
local coids = setmetatable({}, { __mode = 'k' })
local nextcoid = 1
local function co_id(co)
  if co == MAIN then return 1 end
  local id = coids[co]
  if not id then nextcoid = nextcoid + 1; id = nextcoid; coids[co] = id end
  return id
end
local apply_hook, apply_all_hooks -- forward

local function after_resume(d, ...)
  if d <= 257 then CO[d + 1] = false end
  CO[1] = d - 1
  return ...
end
local function resume(co, ...)
  local d = CO[1] + 1
  CO[1] = d
  if d <= 257 then CO[d + 1] = co end
  if S.stepping or S.lateAny or S.budget then apply_hook(co) end
  return after_resume(d, rawresume(co, ...))
end
coroutine.resume = resume
coroutine.wrap = function(f)
  local co = rawcreate(f)
  co_id(co)
  return function(...)
    local function finish(ok, ...)
      if not ok then
        local msg = ...
        if type(msg) == 'string' then error(msg, 0) end
        error(msg, 0)
      end
      return ...
    end
    return finish(resume(co, ...))
  end
end
coroutine.create = function(f)
  local co = rawcreate(f)
  co_id(co)
  return co
end

-- Stack helpers -------------------------------------------------------------------------------
-- maxlevel(co): the highest valid level as seen by the caller (or in thread co).
local function maxlevel(co)
  if co then
    local hi = 1
    while getinfo(co, hi, 'l') do hi = hi * 2 end
    local lo = hi // 2
    while hi - lo > 1 do
      local mid = (lo + hi) // 2
      if getinfo(co, mid, 'l') then lo = mid else hi = mid end
    end
    return lo
  end
  local hi = 2
  while getinfo(hi + 1, 'l') do hi = hi * 2 end
  local lo = hi // 2
  if lo < 2 then lo = 2 end
  while hi - lo > 1 do
    local mid = (lo + hi) // 2
    if getinfo(mid + 1, 'l') then lo = mid else hi = mid end
  end
  return lo - 1
end

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

-- Output and input --------------------------------------------------------------------------------
local function out(stream, ...)
  local n = select('#', ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  H.out(stream, tconcat(parts))
end
G.print = function(...)
  local n = select('#', ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  H.out(1, tconcat(parts, '\t') .. '\n')
end

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

-- The HOST table host modules receive: blocking calls to main-thread handlers.
local function caller_level()
  local l = 3
  while true do
    local info = getinfo(l, 'Sf')
    if not info or info.func == A.run_chunk then return 0 end
    if info.source ~= AGENT and info.what ~= 'C' then return l - 1 end
    l = l + 1
  end
end
A.HOST = {
  json_encode = json_encode,
  json_decode = json_decode,
  NULL = NULL,
  ARRAY = A.ARRAY,
  -- error level that points at the user's code (for error(msg, HOST.level())).
  level = caller_level,
  call = function(name, args)
    local res, err = H.call(name, json_encode(args))
    if res == nil then
      if err == 'interrupted' then S.interrupting = true end
      error(err, caller_level())
    end
    local v, derr = json_decode(res)
    if derr then error(derr, caller_level()) end
    return v
  end,
  stream = function(name, args, on_chunk)
    local id = H.stream_start(name, json_encode(args))
    while true do
      local more, data = H.stream_next(id)
      if more == nil then
        if data == 'interrupted' then S.interrupting = true end
        error(data, caller_level())
      end
      local v, derr = json_decode(data)
      if derr then error(derr, caller_level()) end
      if not more then return v end
      on_chunk(v)
    end
  end,
}

-- Rich display (Jupyter display_data / update_display_data / clear_output) ----------------------------------
local display_n = 0
local function display_send(kind, content, id, update)
  local ck = type(content)
  if kind == 'json' then
    H.display('application/json', json_encode(content), json_encode(content), id, update)
  elseif kind == 'html' then
    local s = tostring(content)
    H.display('text/html', s, (sgsub(s, '<[^>]*>', '')), id, update)
  elseif kind == 'markdown' then
    H.display('text/markdown', tostring(content), tostring(content), id, update)
  elseif kind == 'png' then
    if ck ~= 'string' then error("display.png expects base64 text", 3) end
    H.display('image/png', content, '<image/png>', id, update)
  else
    error("unknown display kind '" .. tostring(kind) .. "' (html, markdown, png or json)", 3)
  end
end
local display = {}
for _, kind in ipairs({ 'html', 'markdown', 'png', 'json' }) do
  display[kind] = function(content)
    display_n = display_n + 1
    local id = sformat('llmspell-%s-%d', H.sessionid(), display_n)
    display_send(kind, content, id, false)
    return id
  end
end
function display.update(id, kind, content)
  if type(id) ~= 'string' then error('display.update expects the id a display function returned', 2) end
  display_send(kind, content, id, true)
end
function display.clear(wait)
  H.clear(wait and true or false)
end
G.display = display

-- Files on the host file system (wasmoon's own io sees only an in-memory file system).
local FILE = {}
FILE.__index = FILE
FILE.__name = 'FILE*'
local function newfile(fd, path, std)
  return setmetatable({ fd = fd, path = path, buf = '', std = std, closed = false }, FILE)
end
function FILE.__tostring(f)
  if f.closed then return 'file (closed)' end
  return sformat('file (%s)', f.path or tostring(f.fd))
end
function FILE.__close(f) if not f.closed and not f.std then f:close() end end
FILE.__gc = FILE.__close
local function checkfile(f)
  if getmetatable(f) ~= FILE then error('bad argument #1 (FILE* expected)', 3) end
  if f.closed then error('attempt to use a closed file', 3) end
  return f
end
local function ask_input(prompt, password)
  local line, err = H.input(prompt, password)
  if err then error(err, caller_level()) end
  return line
end
A.ask_input = ask_input
local function fill(f)
  if f.std == 'stdin' then
    local line = ask_input('', false)
    if line == nil then return false end
    f.buf = f.buf .. line .. '\n'
    return true
  end
  local chunk = H.fread(f.fd, 65536)
  if chunk == nil or chunk == '' then return false end
  f.buf = f.buf .. chunk
  return true
end
local function read_line(f, keep)
  while true do
    local nl = sfind(f.buf, '\n', 1, true)
    if nl then
      local line = ssub(f.buf, 1, keep and nl or nl - 1)
      f.buf = ssub(f.buf, nl + 1)
      return line
    end
    if not fill(f) then
      if f.buf == '' then return nil end
      local line = f.buf
      f.buf = ''
      return line
    end
  end
end
local function read_one(f, fmt)
  if type(fmt) == 'number' then
    while #f.buf < fmt do if not fill(f) then break end end
    if fmt == 0 then return (#f.buf > 0 or fill(f)) and '' or nil end
    if f.buf == '' then return nil end
    local s = ssub(f.buf, 1, fmt)
    f.buf = ssub(f.buf, fmt + 1)
    return s
  end
  fmt = sgsub(tostring(fmt), '^%*', '')
  local c = ssub(fmt, 1, 1)
  if c == 'l' then return read_line(f, false)
  elseif c == 'L' then return read_line(f, true)
  elseif c == 'a' then
    if f.std == 'stdin' then
      local parts = { f.buf }
      f.buf = ''
      while true do
        local line = ask_input('', false)
        if line == nil then break end
        parts[#parts + 1] = line .. '\n'
      end
      return tconcat(parts)
    end
    while fill(f) do end
    local s = f.buf
    f.buf = ''
    return s
  elseif c == 'n' then
    while true do
      local s = smatch(f.buf, '^%s*()')
      if s <= #f.buf then break end
      if not fill(f) then return nil end
    end
    if not sfind(f.buf, '[%s]', smatch(f.buf, '^%s*()')) then fill(f) end
    local num, rest = smatch(f.buf, '^%s*([%+%-]?[%w%.]+)()')
    if not num then return nil end
    f.buf = ssub(f.buf, rest)
    return tonumber(num)
  end
  error("bad argument #1 to 'read' (invalid format)", 3)
end
function FILE.read(f, ...)
  checkfile(f)
  local n = select('#', ...)
  if n == 0 then return read_one(f, 'l') end
  local res = {}
  for i = 1, n do
    local v = read_one(f, (select(i, ...)))
    res[i] = v
    if v == nil then return tunpack(res, 1, i) end
  end
  return tunpack(res, 1, n)
end
function FILE.lines(f, ...)
  checkfile(f)
  local fmts = { ... }
  return function() return f:read(tunpack(fmts)) end
end
function FILE.write(f, ...)
  checkfile(f)
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    if type(v) ~= 'string' and type(v) ~= 'number' then
      error(sformat("bad argument #%d to 'write' (string expected, got %s)", i, type(v)), 2)
    end
    if f.std == 'stdout' then H.out(1, tostring(v))
    elseif f.std == 'stderr' then H.out(2, tostring(v))
    else
      local ok, err = H.fwrite(f.fd, tostring(v))
      if not ok then return nil, err end
    end
  end
  return f
end
function FILE.seek(f, whence, offset)
  checkfile(f)
  if f.std then return nil, 'Illegal seek', 29 end
  whence = whence or 'cur'
  offset = offset or 0
  if whence == 'cur' then offset = offset - #f.buf end
  f.buf = ''
  local pos, err = H.fseek(f.fd, whence, offset)
  if not pos then return nil, err end
  return pos
end
function FILE.flush(f) checkfile(f); return f end
function FILE.setvbuf(f) checkfile(f); return true end
function FILE.close(f)
  checkfile(f)
  if f.std then return nil, 'cannot close standard file' end
  f.closed = true
  H.fclose(f.fd)
  return true
end
local stdin, stdout, stderr = newfile(-1, nil, 'stdin'), newfile(-1, nil, 'stdout'), newfile(-1, nil, 'stderr')
local io = G.io
local defin, defout = stdin, stdout
io.stdin, io.stdout, io.stderr = stdin, stdout, stderr
io.open = function(path, mode)
  mode = mode or 'r'
  if type(path) ~= 'string' then error("bad argument #1 to 'open' (string expected, got " .. type(path) .. ')', 2) end
  if not smatch(mode, '^[rwa]%+?b?$') then error("bad argument #2 to 'open' (invalid mode)", 2) end
  local fd, err, code = H.fopen(path, mode)
  if not fd then return nil, err, code end
  return newfile(fd, path)
end
io.close = function(f) return (f or defout):close() end
io.read = function(...) return defin:read(...) end
io.write = function(...) return defout:write(...) end
io.lines = function(path, ...)
  if path == nil then return defin:lines(...) end
  local f, err = io.open(path, 'r')
  if not f then error(err, 2) end
  local fmts = { ... }
  return function()
    local v = f:read(tunpack(fmts))
    if v == nil then f:close() end
    return v
  end
end
io.input = function(f)
  if f == nil then return defin end
  if type(f) == 'string' then defin = assert(io.open(f, 'r')) else defin = f end
  return defin
end
io.output = function(f)
  if f == nil then return defout end
  if type(f) == 'string' then defout = assert(io.open(f, 'w')) else defout = f end
  return defout
end
io.type = function(f)
  if getmetatable(f) == FILE then return f.closed and 'closed file' or 'file' end
  return nil
end
io.popen = function() return nil, 'io.popen is not supported in llmspell', 1 end
io.tmpfile = function() return io.open(H.tmpname(), 'w+') end
os.remove = function(p) return H.remove(p) end
os.rename = function(a, b) return H.rename(a, b) end
os.tmpname = function() return H.tmpname() end
os.getenv = function(k) return H.getenv(k) end
os.exit = function(code)
  if code == true or code == nil then code = 0 elseif code == false then code = 1 end
  error({ __llmspell_exit = true, code = math.tointeger(code) or 0 }, 0)
end
os.execute = function(cmd) if cmd == nil then return false end return nil, 'exit', 1 end

-- Loading code --------------------------------------------------------------------------------------
-- All user code is loaded through H.load, which instruments breakpoint lines and registers the source.
local function loadsource(code, chunkname, env)
  local text, fmap = H.prepare(code, chunkname)
  if fmap then
    local set = S.fbps[chunkname] or {}
    S.fbps[chunkname] = set
    for k, v in next, fmap do set[tonumber(k)] = v end
  end
  return load(text, chunkname, 't', env or G)
end
A.loadsource = loadsource
G.load = function(chunk, chunkname, mode, env)
  if type(chunk) == 'string' and (chunkname == nil or ssub(chunkname, 1, 1) == '@' or ssub(chunkname, 1, 1) == '=') then
    if env ~= nil then return loadsource(chunk, chunkname or ('=(load)'), env) end
    return loadsource(chunk, chunkname or ('=(load)'))
  end
  if env ~= nil then return load(chunk, chunkname, mode, env) end
  return load(chunk, chunkname, mode)
end
G.loadstring = nil
G.loadfile = function(path, mode, env)
  if path == nil then return nil, 'loadfile from stdin is not supported' end
  local code, err = H.readfile(path)
  if not code then return nil, err end
  return loadsource(code, '@' .. H.abspath(path), env)
end
G.dofile = function(path)
  local f, err = G.loadfile(path)
  if not f then error(err, 2) end
  return f()
end
package.searchers[2] = function(name)
  local path, tried = H.searchpath(name, package.path)
  if not path then return '\n\t' .. tried end
  local code, err = H.readfile(path)
  if not code then error(err) end
  local f, lerr = loadsource(code, '@' .. path)
  if not f then error(sformat("error loading module '%s' from file '%s':\n\t%s", name, path, lerr)) end
  return f, path
end
package.searchers[3] = nil
package.searchers[4] = nil
package.searchpath = function(name, path, sep, rep)
  return H.searchpath(name, path, sep, rep)
end

-- Debugger: frames, variables, evaluation ------------------------------------------------------------
local frames, refs, nref = {}, {}, 0
local function newref(v) nref = nref + 1; refs[nref] = v; return nref end
local function clear_refs() frames, refs, nref = {}, {}, 0 end

-- Level of a registered frame (current thread) as seen by the caller of lv.
local function lv(fr) return maxlevel() - 1 - fr.abs end

-- Frame accessors that work for the stopped thread (fr.abs) and for other threads (fr.co, fr.level).
local function fgetlocal(fr, i)
  if fr.co == rawrunning() then return getlocal(lv(fr), i) end
  return getlocal(fr.co, fr.level, i)
end
local function fsetlocal(fr, i, v)
  if fr.co == rawrunning() then return setlocal(lv(fr), i, v) end
  return setlocal(fr.co, fr.level, i, v)
end
local function ffunc(fr)
  local info
  if fr.co == rawrunning() then info = getinfo(lv(fr), 'f') else info = getinfo(fr.co, fr.level, 'f') end
  return info and info.func
end

-- Map of names visible in a frame of the current thread: locals (latest binding wins) and upvalues.
local function visible_names(fr)
  local names = {}
  local i = 1
  while true do
    local n = fgetlocal(fr, i)
    if not n then break end
    if ssub(n, 1, 1) ~= '(' then names[n] = { 'l', i } end
    i = i + 1
  end
  local func = ffunc(fr)
  if func then
    i = 1
    while true do
      local n = getupvalue(func, i)
      if not n then break end
      if names[n] == nil and n ~= '' then names[n] = { 'u', i } end
      i = i + 1
    end
  end
  return names, func
end

-- An environment for code evaluated in a stopped frame: reads and writes the frame's locals and
-- upvalues, falls back to the frame's _ENV (globals).
local function frame_env(fr)
  local names, func = visible_names(fr)
  local envv = G
  local e = names._ENV
  if e and e[1] == 'u' then envv = select(2, getupvalue(func, e[2])) end
  return setmetatable({}, {
    __index = function(_, k)
      local e2 = names[k]
      if e2 then
        if e2[1] == 'l' then return select(2, fgetlocal(fr, e2[2])) end
        return select(2, getupvalue(func, e2[2]))
      end
      return envv[k]
    end,
    __newindex = function(_, k, v)
      local e2 = names[k]
      if e2 then
        if e2[1] == 'l' then fsetlocal(fr, e2[2], v) else setupvalue(func, e2[2], v) end
        return
      end
      envv[k] = v
    end,
  })
end

local function compile_in(code, env)
  local f = load('return ' .. code, '=(eval)', 't', env)
  if not f then
    local err
    f, err = load(code, '=(eval)', 't', env)
    if not f then return nil, err end
  end
  return f
end

local function describe(v)
  local t = type(v)
  local ref = 0
  if t == 'table' or t == 'function' or t == 'thread' or (t == 'userdata' and getmetatable(v) ~= nil) then
    ref = newref(v)
  end
  local shown
  if t == 'table' then shown = render(v, 1) else shown = short(v) end
  return shown, t, ref
end

-- Evaluate `code` in frame fr (or globally when fr is nil); returns ok, value-or-error.
local function eval_in(code, fr)
  local env = fr and frame_env(fr) or G
  local f, err = compile_in(code, env)
  if not f then return false, err end
  local res = table.pack(pcall(f))
  if not res[1] then return false, tostring(res[2]) end
  if res.n <= 1 then return true, nil, 0 end
  return true, res[2], res.n - 1
end

local function interpolate(msg, fr)
  return (sgsub(msg, '{(.-)}', function(expr)
    local ok, v = eval_in(expr, fr)
    if not ok then return '{' .. tostring(v) .. '}' end
    return type(v) == 'string' and v or render(v, 1)
  end))
end

-- Stopping ---------------------------------------------------------------------------------------------
local function std_globals()
  local t = {}
  for _, k in ipairs({ '_G', '_VERSION', 'assert', 'collectgarbage', 'coroutine', 'debug', 'dofile', 'error',
    'getmetatable', 'io', 'ipairs', 'load', 'loadfile', 'math', 'next', 'os', 'package', 'pairs', 'pcall', 'print',
    'rawequal', 'rawget', 'rawlen', 'rawset', 'require', 'select', 'setmetatable', 'string', 'table', 'tonumber',
    'tostring', 'type', 'utf8', 'warn', 'xpcall' }) do t[k] = true end
  return t
end
local STD = std_globals()
A.STD = STD
-- After the host modules loaded: their globals (Agent, Tool, ...) are builtins too, not user globals.
function A.mark_builtins()
  for k in next, G do
    if type(k) == 'string' then STD[k] = true end
  end
end

local function frame_name(info)
  if info.what == 'main' then return 'main chunk' end
  if info.name then return info.name end
  if info.what == 'C' then return '[C function]' end
  return sformat('function <%s:%d>', ssub(info.short_src or '?', 1, 60), info.linedefined or 0)
end

local function user_source(src)
  return src and src ~= AGENT and ssub(src, 1, 1) == '@' or (src and ssub(src, 1, 1) ~= '=' and src ~= AGENT)
end

local function stop_loop(reason, co, abs, text, hit)
  S.inStop = true
  S.stepping = nil
  sethook()
  clear_refs()
  local cur_max = maxlevel()
  -- Register frames of the stopped thread.
  local stack, out = {}, {}
  do
    local level = cur_max - abs -- level relative to this function
    while true do
      local info = getinfo(level, 'nSlf')
      if not info then break end
      if info.func == A.run_chunk then break end
      if info.source ~= AGENT then
        nref = nref + 1
        frames[nref] = { co = co, abs = cur_max - level }
        stack[#stack + 1] = nref
        out[#out + 1] = { nref, frame_name(info), info.source, info.currentline, info.what }
      end
      if info.what == 'main' and info.source ~= AGENT then break end
      level = level + 1
    end
  end
  S.stack = out
  S.stacks = { [co_id(co)] = out }
  -- Frames of the other threads in the resume chain (main program, outer coroutines).
  for d = 1, CO[1] do
    local other = CO[d + 1]
    if other and other ~= co then
      local list = {}
      local level = 0
      while true do
        local info = getinfo(other, level, 'nSlf')
        if not info then break end
        if info.func == A.run_chunk then break end
        if info.source ~= AGENT and not (info.what == 'C' and (info.func == rawresume or HIDDEN_C[info.func])) then
          nref = nref + 1
          frames[nref] = { co = other, level = level }
          list[#list + 1] = { nref, frame_name(info), info.source, info.currentline, info.what }
        end
        if info.what == 'main' and info.source ~= AGENT then break end
        level = level + 1
      end
      S.stacks[co_id(other)] = list
    end
  end
  local top = out[1]
  H.stopped(reason, co_id(co), text, hit, top and top[3], top and top[4])
  local stepping
  while true do
    local cmd, id, a, b, c = H.next()
    if cmd == 'continue' then break
    elseif cmd == 'step' then
      local fr = frames[stack[1]]
      local finfo = getinfo(maxlevel() - fr.abs - 1 + 1, 'f')
      stepping = { kind = a, co = co, abs = fr.abs, func = finfo and finfo.func }
      break
    elseif cmd == 'terminate' then
      S.inStop = false
      S.stack = nil
      error({ __llmspell_exit = true, code = 0, terminated = true }, 0)
    else
      A.command(cmd, id, a, b, c)
    end
  end
  clear_refs()
  S.stack = nil
  S.stacks = nil
  S.inStop = false
  S.stepping = stepping
  if S.interrupting or stepping then apply_all_hooks() else apply_hook(nil) end
end

-- Requests served while stopped.
function A.stacktrace(id, threadid)
  local outl = {}
  local list = S.stack or {}
  if threadid and S.stacks then list = S.stacks[threadid] or {} end
  for i, f in ipairs(list) do
    local fr = frames[f[1]]
    outl[i] = { id = f[1], name = f[2], source = f[3], line = f[4], kind = f[5] }
    if fr and fr.abs then
      local level = maxlevel() - fr.abs - 1
      local info = getinfo(level + 1, 'l')
      if info then outl[i].line = info.currentline end
    end
  end
  H.reply(id, outl)
end

function A.scopes(id, frameid)
  local fr = frames[frameid]
  if not fr then return H.reply(id, nil, 'unknown frame') end
  local res = {
    { name = 'Locals', kind = 'locals', ref = newref({ __scope = 'locals', fr = fr }) },
    { name = 'Upvalues', kind = 'upvalues', ref = newref({ __scope = 'upvalues', fr = fr }) },
    { name = 'Globals', kind = 'globals', ref = newref({ __scope = 'globals', fr = fr }) },
  }
  H.reply(id, res)
end

local function var(name, v, evalname)
  local shown, t, ref = describe(v)
  return { name = name, value = shown, type = t, ref = ref, evaluateName = evalname }
end

local function scope_vars(sc)
  local fr = sc.fr
  local res = {}
  if sc.__scope == 'locals' then
    local seen = {}
    local i = 1
    local items = {}
    while true do
      local n, v = fgetlocal(fr, i)
      if not n then break end
      if ssub(n, 1, 1) ~= '(' and ssub(n, 1, 10) ~= '__llmspell' then items[#items + 1] = { n, v, i } end
      i = i + 1
    end
    for j = #items, 1, -1 do
      local n = items[j][1]
      if not seen[n] then seen[n] = true else items[j].shadowed = true end
    end
    for _, it in ipairs(items) do
      local name = it.shadowed and (it[1] .. ' (shadowed)') or it[1]
      res[#res + 1] = var(name, it[2], not it.shadowed and it[1] or nil)
    end
    local va, k = {}, 1
    while true do
      local n, v = fgetlocal(fr, -k)
      if not n then break end
      va[k] = v
      k = k + 1
    end
    if k > 1 then
      va.n = k - 1
      local r = newref({ __varargs = va })
      res[#res + 1] = { name = '...', value = sformat('(%d values)', k - 1), type = 'varargs', ref = r, evaluateName = '...' }
    end
  elseif sc.__scope == 'upvalues' then
    local func = ffunc(fr)
    local i = 1
    while func do
      local n, v = getupvalue(func, i)
      if not n then break end
      if n ~= '_ENV' and ssub(n, 1, 10) ~= '__llmspell' then res[#res + 1] = var(n, v, n) end
      i = i + 1
    end
  elseif sc.__scope == 'globals' then
    local keys = sorted_keys(G, 10000)
    local std = {}
    for _, k in ipairs(keys) do
      if STD[k] then std[#std + 1] = k
      elseif type(k) ~= 'string' or ssub(k, 1, 9) ~= '__llmspel' then
        res[#res + 1] = var(key_repr(k), rawget(G, k), is_ident(k) and k or nil)
      end
    end
    local stdt = {}
    for _, k in ipairs(std) do stdt[k] = rawget(G, k) end
    res[#res + 1] = { name = '[standard library]', value = sformat('(%d names)', #std), type = 'table', ref = newref(stdt) }
  end
  return res
end

function A.variables(id, ref)
  local v = refs[ref]
  if v == nil then return H.reply(id, nil, 'unknown variables reference') end
  local res = {}
  if type(v) == 'table' and v.__scope then
    res = scope_vars(v)
  elseif type(v) == 'table' and v.__varargs then
    for i = 1, v.__varargs.n do res[i] = var('[' .. i .. ']', v.__varargs[i], 'select(' .. i .. ', ...)') end
  elseif type(v) == 'table' then
    local keys = sorted_keys(v, 1000)
    for _, k in ipairs(keys) do res[#res + 1] = var(key_repr(k), rawget(v, k)) end
    local mt = getmetatable(v)
    if mt ~= nil then res[#res + 1] = var('[metatable]', mt) end
  elseif type(v) == 'function' then
    local i = 1
    while true do
      local n, uv = getupvalue(v, i)
      if not n then break end
      res[#res + 1] = var(n == '' and ('[upvalue ' .. i .. ']') or n, uv)
      i = i + 1
    end
    local info = getinfo(v, 'S')
    res[#res + 1] = { name = '[source]', value = sformat('%s:%d', info.short_src, info.linedefined), type = 'string', ref = 0 }
  elseif type(v) == 'userdata' then
    res[#res + 1] = var('[metatable]', getmetatable(v))
  elseif type(v) == 'thread' then
    res[#res + 1] = { name = '[status]', value = rawstatus(v), type = 'string', ref = 0 }
  end
  H.reply(id, res)
end

local function parse_key(name)
  local inner = smatch(name, '^%[(.*)%]$')
  if inner then
    local n = tonumber(inner)
    if n then return n end
    local s = smatch(inner, '^"(.*)"$')
    if s then return s end
    if inner == 'true' then return true elseif inner == 'false' then return false end
    return inner
  end
  return name
end

function A.setvariable(id, ref, name, expr)
  local target = refs[ref]
  if target == nil then return H.reply(id, nil, 'unknown variables reference') end
  local fr = type(target) == 'table' and target.fr or frames[S.stack and S.stack[1] and S.stack[1][1]]
  local ok, v = eval_in(expr, fr)
  if not ok then return H.reply(id, nil, v) end
  if type(target) == 'table' and target.__scope == 'locals' then
    local idx
    local i = 1
    while true do
      local n = fgetlocal(target.fr, i)
      if not n then break end
      if n == name then idx = i end
      i = i + 1
    end
    if not idx then return H.reply(id, nil, 'no local named ' .. name) end
    fsetlocal(target.fr, idx, v)
  elseif type(target) == 'table' and target.__scope == 'upvalues' then
    local f = ffunc(target.fr)
    local i, done = 1, false
    while true do
      local n = getupvalue(f, i)
      if not n then break end
      if n == name then setupvalue(f, i, v); done = true end
      i = i + 1
    end
    if not done then return H.reply(id, nil, 'no upvalue named ' .. name) end
  elseif type(target) == 'table' and target.__scope == 'globals' then
    rawset(G, parse_key(name), v)
  elseif type(target) == 'table' and not target.__varargs then
    rawset(target, parse_key(name), v)
  else
    return H.reply(id, nil, 'this value cannot be changed')
  end
  local shown, t, r = describe(v)
  H.reply(id, { value = shown, type = t, ref = r })
end

function A.evaluate(id, expr, frameid)
  local fr = frameid and frames[frameid] or nil
  if frameid and frameid ~= 0 and not fr then return H.reply(id, nil, 'unknown frame') end
  if fr == nil and S.stack and S.stack[1] and (frameid == nil) then fr = frames[S.stack[1][1]] end
  local ok, v, n = eval_in(expr, fr)
  if not ok then return H.reply(id, nil, v) end
  if n == 0 then return H.reply(id, { value = '', type = 'nil', ref = 0 }) end
  local shown, t, r = describe(v)
  if t == 'table' then shown = render(v, 2) end
  H.reply(id, { value = shown, type = t, ref = r })
end

function A.completions(id, text, frameid)
  local fr = frameid and frames[frameid] or (S.stack and S.stack[1] and frames[S.stack[1][1]]) or nil
  local res = A.complete_names(text, fr and frame_env(fr) or nil, fr)
  H.reply(id, res)
end

-- Names for completion: "a.b.c" -> members of a.b starting with c; bare word -> locals/upvalues/globals.
function A.complete_names(text, env, fr)
  local base, sep, partial = smatch(text, '^(.-)([%.:])([%w_]*)$')
  local res, seen = {}, {}
  local function add(k) if type(k) == 'string' and not seen[k] and ssub(k, 1, 9) ~= '__llmspel' then seen[k] = true; res[#res + 1] = k end end
  if base and base ~= '' then
    local f = load('return ' .. base, '=(complete)', 't', env or G)
    if not f then return res end
    local ok, v = pcall(f)
    if not ok then return res end
    local function members(t, depth)
      if depth > 3 then return end
      if type(t) == 'table' then
        for k in next, t do if type(k) == 'string' and ssub(k, 1, #partial) == partial and is_ident(k) then add(k) end end
      end
      local mt = getmetatable(t)
      if type(mt) == 'table' and type(rawget(mt, '__index')) == 'table' then members(rawget(mt, '__index'), depth + 1) end
    end
    if type(v) == 'string' then v = string end
    members(v, 0)
  else
    partial = smatch(text, '([%w_]*)$') or ''
    if fr then
      local names = visible_names(fr)
      for k in next, names do if ssub(k, 1, #partial) == partial then add(k) end end
    end
    for k in next, G do if type(k) == 'string' and ssub(k, 1, #partial) == partial then add(k) end end
    for _, kw in ipairs({ 'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'goto', 'if', 'in',
      'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while' }) do
      if ssub(kw, 1, #partial) == partial then add(kw) end
    end
  end
  tsort(res)
  return res
end

function A.threads(id)
  local res = { { id = 1, name = 'main' } }
  for d = 2, CO[1] do
    local co = CO[d + 1]
    if co then res[#res + 1] = { id = co_id(co), name = 'coroutine ' .. co_id(co) } end
  end
  H.reply(id, res)
end

-- Breakpoints -------------------------------------------------------------------------------------------
local function hit_ok(bp)
  bp.hits = bp.hits + 1
  local op, n = bp.hitop, bp.hitn
  if not op then return true end
  local h = bp.hits
  if op == '>=' then return h >= n
  elseif op == '>' then return h > n
  elseif op == '==' then return h == n
  elseif op == '<=' then return h <= n
  elseif op == '<' then return h < n
  elseif op == '%' then return n ~= 0 and h % n == 0
  end
  return true
end

-- A breakpoint line was reached in the frame at absolute index abs of the current thread.
local function on_line(src, line, abs, from_hook)
  if S.inStop then return end
  local set = S.bps[src]
  local bp = set and set[line]
  local fid = S.fbps[src] and S.fbps[src][line]
  if not bp and not fid then return end
  local co = rawrunning()
  local key = tostring(co) .. '|' .. abs .. '|' .. src .. '|' .. line
  if from_hook then
    S.hookVisited = key
  elseif S.hookVisited == key then
    S.hookVisited = nil
    return
  end
  if bp then
    local fr = { co = co, abs = abs }
    if bp.cond then
      S.inStop = true
      local ok, v = eval_in(bp.cond, fr)
      S.inStop = false
      if ok and not v then bp = nil
      elseif not ok then H.out(2, sformat('breakpoint condition error (%s:%d): %s\n', ssub(src, 2), line, tostring(v))) end
    end
    if bp and not hit_ok(bp) then bp = nil end
    if bp and bp.log then
      S.inStop = true
      local msg = interpolate(bp.log, fr)
      S.inStop = false
      H.log(msg .. '\n', ssub(src, 2), line)
      bp = nil
    end
  end
  if not bp and not fid then return end
  stop_loop(bp and 'breakpoint' or 'function breakpoint', co, abs, nil, bp and bp.id or fid)
end

-- The probe instrumented code calls on breakpoint lines.
G.__llmspell_probe = function(line)
  if S.inStop then return end
  local info = getinfo(2, 'S')
  on_line(info.source, line, maxlevel() - 2)
end

-- Stepping / late breakpoints / instruction budget: one hook function.
local function should_stop_step(st, co, abs)
  if st.kind == 'in' then return true end
  if co ~= st.co then
    local s = rawstatus(st.co)
    return s ~= 'normal' and s ~= 'running'
  end
  if abs < st.abs then return true end
  if st.kind == 'out' then return false end
  if abs > st.abs then return false end
  local info = getinfo(3, 'ft')
  if info.func == st.func then return true end
  if info.istailcall then return false end
  return true
end

local function hook(ev, line)
  if ev == 'count' then
    if S.interrupting then
      local info = getinfo(2, 'S')
      if info and info.source ~= AGENT then error('interrupted', 2) end
      return
    end
    local b = S.budget
    if b then
      b = b - 1
      S.budget = b
      if b <= 0 then
        S.budget = nil
        sethook()
        error('instruction limit exceeded', 2)
      end
    end
    return
  end
  if S.inStop then return end
  local st = S.stepping
  if not st and not S.lateAny then
    if not S.budget then sethook() end
    return
  end
  local info = getinfo(2, 'S')
  local src = info.source
  if src == AGENT or info.what == 'C' then return end
  S.hookVisited = nil
  local abs = maxlevel() - 2
  if st then
    local co = rawrunning()
    -- Stop on entry at a line where a statement starts (Lua reports a leading
    -- `local function f() ... end` on its `end` line first).
    if st.entry and not H.stmtline(src, line) then return end
    if should_stop_step(st, co, abs) then
      stop_loop(st.pause and 'pause' or (st.entry and 'entry' or 'step'), co, abs, nil, nil)
      S.hookVisited = tostring(co) .. '|' .. abs .. '|' .. src .. '|' .. line
      return
    end
  end
  if S.lateAny then
    local l = S.late[src]
    if l and l[line] then on_line(src, line, abs, true) end
  end
end

apply_hook = function(co)
  local mask = (S.stepping or S.lateAny) and 'l' or ''
  local count = S.budget and TICK or 0
  if S.interrupting then count = 1 end
  if mask == '' and count == 0 then
    if co then sethook(co) else sethook() end
    return
  end
  if co then sethook(co, hook, mask, count) else sethook(hook, mask, count) end
end

apply_all_hooks = function()
  apply_hook(nil)
  if rawrunning() ~= MAIN then apply_hook(MAIN) end
  for d = 2, CO[1] do
    local co = CO[d + 1]
    if co and co ~= rawrunning() then apply_hook(co) end
  end
end
A.apply_all_hooks = apply_all_hooks

-- Called (through the host's count hook) when the main thread asked for attention while Lua runs.
function A.attention()
  A.drain()
  if S.interrupting then
    apply_all_hooks()
    error('interrupted', 2)
  end
  apply_all_hooks()
end

function A.drain()
  while true do
    local cmd, id, a, b, c = H.poll()
    if cmd == nil then break end
    A.command(cmd, id, a, b, c)
  end
end

-- Commands from the host (while running, stopped or idle).
function A.command(cmd, id, a, b, c)
  if cmd == 'stack' then A.stacktrace(id, a)
  elseif cmd == 'scopes' then A.scopes(id, a)
  elseif cmd == 'vars' then A.variables(id, a)
  elseif cmd == 'setvar' then A.setvariable(id, a, b, c)
  elseif cmd == 'eval' then A.evaluate(id, a, b)
  elseif cmd == 'completions' then A.completions(id, a, b)
  elseif cmd == 'threads' then A.threads(id)
  elseif cmd == 'pause' then
    if not S.inStop then
      S.stepping = { kind = 'in', pause = true }
    end
  elseif cmd == 'interrupt' then
    S.interrupting = true
  elseif cmd == 'bp' then
    -- a = source, b = line, c = spec table {id, cond, hitop, hitn, log, late}
    local set = S.bps[a]
    if not set then set = {}; S.bps[a] = set end
    set[b] = { id = c.id, cond = c.cond, hitop = c.hitop, hitn = c.hitn, log = c.log, hits = 0 }
    if c.late then
      S.late[a] = S.late[a] or {}
      S.late[a][b] = true
      S.lateAny = true
    end
    if id then H.reply(id, true) end
  elseif cmd == 'fbp' then
    S.fbps[a] = S.fbps[a] or {}
    S.fbps[a][b] = c
    if id then H.reply(id, true) end
  elseif cmd == 'clearbps' then
    -- a = source or nil for all; b = 'line' | 'function'
    if b == 'function' then
      if a then S.fbps[a] = nil else S.fbps = {} end
    else
      if a then S.bps[a] = nil; S.late[a] = nil else S.bps = {}; S.late = {} end
      S.lateAny = next(S.late) ~= nil
      if S.lateAny and next(S.fbps) ~= nil then S.lateAny = true end
    end
    if id then H.reply(id, true) end
  elseif cmd == 'late' then
    S.late[a] = S.late[a] or {}
    S.late[a][b] = true
    S.lateAny = true
  elseif cmd == 'filters' then
    S.filters.uncaught = a and true or false
    S.filters.all = b and true or false
    if id then H.reply(id, true) end
  elseif cmd == 'entry' then
    S.entry = a and true or false
  elseif cmd == 'budget' then
    S.budgetTicks = a
  elseif cmd ~= nil then
    if id then H.reply(id, nil, 'unknown command ' .. tostring(cmd)) end
  end
end

-- Errors ----------------------------------------------------------------------------------------------
local rawerror = error
G.error = function(msg, level)
  if S.filters.all and not S.inStop and not (type(msg) == 'table' and msg.__llmspell_exit) then
    local lvl = level == nil and 1 or level
    local shown = msg
    if type(msg) == 'string' and lvl > 0 then
      local info = getinfo(lvl + 1, 'Sl')
      if info and info.currentline and info.currentline > 0 then shown = info.short_src .. ':' .. info.currentline .. ': ' .. msg end
    end
    local info2 = getinfo(2, 'S')
    if info2 and info2.source ~= AGENT then
      S.filters.all_hit = shown
      stop_loop('exception', rawrunning(), maxlevel() - 2, tostring(shown), nil)
    end
  end
  if level == nil then level = 1 end
  if level > 0 then level = level + 1 end
  rawerror(msg, level)
end
HIDDEN_C[G.error] = true

local function traceback_lines(level)
  local lines = {}
  local skipped = 0
  while true do
    if #lines == 12 then
      -- Like Lua's own traceback: keep the innermost frames and the outermost ones.
      local total = maxlevel() - 1
      while total > level do
        local fi = getinfo(total + 1, 'f')
        if fi and fi.func == A.run_chunk then break end
        total = total - 1
      end
      if total - level > 30 then
        skipped = total - level - 11
        level = level + skipped
        lines[#lines + 1] = sformat('...\t(skipping %d levels)', skipped)
      end
    end
    local info = getinfo(level, 'nSlf')
    if not info then break end
    if info.func == A.run_chunk then break end
    if info.source ~= AGENT and info.what ~= 'C' then
      local where = info.short_src .. ':' .. (info.currentline or 0)
      local name
      if info.what == 'main' then name = 'in main chunk'
      elseif info.name then name = sformat("in %s '%s'", info.namewhat ~= '' and info.namewhat or 'function', info.name)
      else name = sformat('in function <%s:%d>', info.short_src, info.linedefined) end
      lines[#lines + 1] = where .. ': ' .. name
      if info.what == 'main' then break end
    elseif info.what == 'C' and info.name and not HIDDEN_C[info.func] and level > 2 then
      lines[#lines + 1] = sformat("[C]: in function '%s'", info.name)
    end
    level = level + 1
  end
  return lines
end

local last_error
local function handler(e)
  if type(e) == 'table' and e.__llmspell_exit then last_error = { exit = e }; return e end
  local msg
  if type(e) == 'string' then msg = e
  elseif type(e) == 'table' or type(e) == 'userdata' then
    local mt = getmetatable(e)
    if mt and rawget(mt, '__tostring') then msg = tostring(e) else msg = '(error object is a ' .. type(e) .. ' value)' .. (type(e) == 'table' and (' ' .. render(e, 1)) or '') end
  else msg = tostring(e) end
  local interrupted = S.interrupting
  if interrupted then
    S.interrupting = false
    apply_all_hooks()
  end
  local where = getinfo(2, 'Sl')
  local tb = traceback_lines(2)
  last_error = { message = msg, traceback = tb, interrupted = interrupted }
  if S.filters.uncaught and not interrupted and not S.inStop and S.filters.all_hit ~= e then
    -- The innermost user frame (skip error()/C functions and the agent's wrappers).
    local lvl = 2
    while true do
      local info = getinfo(lvl, 'Sf')
      if not info or info.func == A.run_chunk then lvl = nil; break end
      if info.source ~= AGENT and info.what ~= 'C' then break end
      lvl = lvl + 1
    end
    if lvl then stop_loop('exception', rawrunning(), maxlevel() - lvl, msg, nil) end
  end
  S.filters.all_hit = nil
  return e
end

local function pack(...) return { n = select('#', ...), ... } end

-- Run a loaded chunk (function) with arguments; returns ok, results-or-error info.
local function identity(...) return ... end
function A.run_chunk(f, ...)
  return identity(f(...))
end

function A.run(code, chunkname, mode, args, nargs, script)
  MAIN = rawrunning()
  CO[1] = 1
  CO[2] = MAIN
  last_error = nil
  S.interrupting = false
  S.hookVisited = nil
  if S.budgetTicks then S.budget = S.budgetTicks else S.budget = nil end
  local f, err
  if mode == 'cell' then
    -- As a REPL does, try the cell as an expression first. The values pass through a function call
    -- so a call in the cell is not a tail call and keeps its frame (error lines, debugger stacks).
    f = loadsource('return (function(...) return ... end)(' .. code .. '\n)', chunkname)
    if not f then f, err = loadsource(code, chunkname) end
  else
    f, err = loadsource(code, chunkname)
  end
  if not f then
    return { ok = false, syntax = true, message = err }
  end
  if S.entry then
    S.entry = false
    S.stepping = { kind = 'in', entry = true }
  end
  apply_hook(nil)
  local argv = {}
  for i = 1, nargs or 0 do argv[i] = args[i] or args[tostring(i)] or args[i - 1] end
  if script then
    local at = { [0] = script }
    for i = 1, #argv do at[i] = argv[i] end
    G.arg = at
  end
  local res = pack(xpcall(A.run_chunk, handler, f, tunpack(argv, 1, nargs or 0)))
  S.stepping = nil
  S.budget = nil
  S.interrupting = false
  sethook()
  CO[1] = 0
  CO[2] = false
  if res[1] then
    local values = {}
    for i = 2, res.n do values[i - 1] = render(res[i], 4) end
    return { ok = true, values = values, n = res.n - 1 }
  end
  local le = last_error or {}
  if le.exit then
    return { ok = false, exit = true, code = le.exit.code, terminated = le.exit.terminated }
  end
  return { ok = false, message = le.message or tostring(res[2]), traceback = le.traceback or {}, interrupted = le.interrupted }
end

-- Completion and inspection for front ends while idle.
function A.complete(text)
  return A.complete_names(text, nil, nil)
end

function A.inspect(expr)
  local f = load('return ' .. expr, '=(inspect)', 't', G)
  if not f then return nil end
  local ok, v = pcall(f)
  if not ok then return nil end
  local t = type(v)
  local text
  if t == 'function' then
    local info = getinfo(v, 'S')
    text = sformat('function defined at %s:%d', info.short_src, info.linedefined)
  else
    text = render(v, 3)
  end
  return { type = t, text = text }
end

function A.user_globals()
  local res = {}
  for k in next, G do
    if type(k) == 'string' and not STD[k] and ssub(k, 1, 9) ~= '__llmspel' then res[#res + 1] = k end
  end
  tsort(res)
  return res
end

return A
