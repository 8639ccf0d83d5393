-- io and os on the host file system (wasmoon's own io sees only an in-memory file system).
local H, A, I = ...
local S, CO, G, AGENT, HIDDEN_C = I.S, I.CO, _G, I.AGENT, I.HIDDEN_C
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo, getlocal, setlocal = B.getinfo, B.getlocal, B.setlocal
local getupvalue, setupvalue, sethook = B.getupvalue, B.setupvalue, B.sethook
local getmetatable, setmetatable, rawget, rawset, next, type, select = B.getmetatable, B.setmetatable, B.rawget, B.rawset, B.next, B.type, B.select
local tostring, tonumber, pcall, xpcall, error, load = B.tostring, B.tonumber, B.pcall, B.xpcall, B.error, B.load
local sformat, srep, ssub, sfind, sgsub, smatch = B.sformat, B.srep, B.ssub, B.sfind, B.sgsub, B.smatch
local tconcat, tsort, tunpack = B.tconcat, B.tsort, B.tunpack
local rawresume, rawcreate, rawrunning, rawstatus = B.resume, B.create, B.running, B.status
local caller_level = I.caller_level

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
  if err == 'interrupted' then S.interrupting = true end
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
