-- io and os on the host file system (wasmoon's own io sees only an in-memory file system).
local H, A, I = ...
local S, G, AGENT = I.S, _G, I.AGENT
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo = B.getinfo
local setmetatable, next, type, select = B.setmetatable, B.next, B.type, B.select
local tostring, tonumber, pcall, error = B.tostring, B.tonumber, B.pcall, B.error
local sformat, ssub, sfind, sgsub, smatch = B.sformat, B.ssub, B.sfind, B.sgsub, B.smatch
local tconcat, tunpack = B.tconcat, B.tunpack
local caller_level = I.caller_level

-- Files on the host file system (wasmoon's own io sees only an in-memory file system).
-- Handles are full userdata (H.newfile) with the metatable FILE, as in Lua; their state lives in
-- ST[handle] (the implementation below works on that state table).
local FILE, M, IMPL = {}, {}, {}
local ST = setmetatable({}, { __mode = 'k' })
local HANDLE = setmetatable({}, { __mode = 'v' })
FILE.__index = M
FILE.__name = 'FILE*'
local function newfile(fd, path, std)
  local st = { fd = fd, path = path, buf = '', std = std, closed = false }
  local u = H.newfile(FILE)
  ST[u], HANDLE[st] = st, u
  return u
end
FILE.__tostring = I.cwrap(function(...)
  local u = ...
  local st = ST[u]
  if not st then I.typeerror(1, 'FILE*', select('#', ...), u) end
  if st.closed then return 'file (closed)' end
  return sformat('file (%p)', u)
end)
local function autoclose(...)
  local u = ...
  local st = ST[u]
  if not st then I.typeerror(1, 'FILE*', select('#', ...), u) end
  if not st.closed and not st.std then IMPL.close(st) end
end
FILE.__close = I.cwrap(autoclose)
FILE.__gc = I.cwrap(autoclose)
-- (mode: as given to io.open; the standard files have none)
local function readonly(f) return f.mode and not sfind(f.mode, '[wa+]') end
local function writeonly(f) return f.mode and not sfind(f.mode, '[r+]') end
-- Writes to files are buffered as C's stdio buffers them (glibc): fully by default (a block of
-- BLOCK bytes), per line or not at all after setvbuf. Pending bytes go out on flush, seek, close,
-- a read on the same handle, setvbuf, when the buffer fills, and when the run ends (as at exit).
local BLOCK = 4096
local PENDING = setmetatable({}, { __mode = 'k' })
local function flushw(f)
  local w = f.wbuf
  if not w or #w == 0 then return true end
  f.wbuf = {}
  f.wlen = 0
  PENDING[f] = nil
  local ok, err = H.fwrite(f.fd, tconcat(w))
  if not ok then return nil, err end
  return true
end
function I.flush_files()
  for f in next, PENDING do flushw(f) end
end
local function bufwrite(f, s)
  local mode = f.vmode or 'full'
  if mode == 'no' then return H.fwrite(f.fd, s) end
  local w = f.wbuf or {}
  f.wbuf = w
  local cap = f.vsize or BLOCK
  local avail = cap - (f.wlen or 0)
  local count, must = #s, false
  if mode == 'line' and count <= avail then
    local nl = smatch(s, '.*()\n')
    if nl then count, must = nl, true end
  end
  if count > avail then count = avail end
  if count > 0 then
    w[#w + 1] = ssub(s, 1, count)
    f.wlen = (f.wlen or 0) + count
    PENDING[f] = true
  end
  local rest = #s - count
  if rest > 0 or must then
    local ok, err = flushw(f)
    if not ok then return nil, err end
    local direct = rest - (cap >= 128 and rest % cap or 0)
    if direct > 0 then
      ok, err = H.fwrite(f.fd, ssub(s, count + 1, count + direct))
      if not ok then return nil, err end
    end
    if rest > direct then
      f.wbuf = { ssub(s, count + direct + 1) }
      f.wlen = rest - direct
      PENDING[f] = true
    end
  end
  return true
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
-- read 'n' as liolib's read_number: skip spaces, then the longest prefix that can start a numeral
-- (at most 200 characters), converted as lua_stringtonumber does; nil (fail) when it is not one.
local function read_number(f)
  local i = 1
  local c
  local function at() -- the character at i (nil at the end of the file)
    while i > #f.buf do if not fill(f) then return nil end end
    return ssub(f.buf, i, i)
  end
  c = at()
  while c and sfind(c, '^%s') do i = i + 1; c = at() end
  local start, ok = i, true
  local function nextc()
    if i - start >= 200 then ok = false; return false end
    i = i + 1
    c = at()
    return true
  end
  local function test2(set) return c ~= nil and sfind(set, c, 1, true) ~= nil and nextc() end
  local function digits(hex)
    local count = 0
    while c and sfind(c, hex and '^%x' or '^%d') and nextc() do count = count + 1 end
    return count
  end
  local count, hex = 0, false
  test2('-+')
  if test2('0') then
    if test2('xX') then hex = true else count = 1 end
  end
  count = count + digits(hex)
  if test2('.') then count = count + digits(hex) end
  if count > 0 and test2(hex and 'pP' or 'eE') then
    test2('-+')
    digits(false)
  end
  local numeral = ok and ssub(f.buf, start, i - 1) or ''
  f.buf = ssub(f.buf, i)
  return tonumber(numeral)
end
local function read_one(f, fmt, i)
  if type(fmt) ~= 'number' and type(fmt) ~= 'string' then
    error(sformat("bad argument #%d to 'read' (string expected, got %s)", i, I.typename(fmt)), 4)
  end
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
    return read_number(f)
  end
  error(sformat("bad argument #%d to 'read' (invalid format)", i), 4)
end
function IMPL.read(f, ...)
  if writeonly(f) then return nil, 'Bad file descriptor', 9 end
  flushw(f)
  local n = select('#', ...)
  if n == 0 then return read_one(f, 'l') end
  local res = {}
  for i = 1, n do
    local v = read_one(f, (select(i, ...)), i)
    res[i] = v
    if v == nil then return tunpack(res, 1, i) end
  end
  return tunpack(res, 1, n)
end
-- The iterators io.lines and file:lines return are C closures, as Lua's (one shared C function).
local function lines_done(it, ...)
  if it.close and (...) == nil then
    it.close = false
    IMPL.close(it.f)
  end
  return ...
end
local lines_iter = I.cwrap(function(it)
  if it.f.closed then error('file is already closed', 3) end
  if writeonly(it.f) then error('Bad file descriptor', 3) end
  return lines_done(it, IMPL.read(it.f, tunpack(it.fmts, 1, it.fmts.n)))
end, true)
function IMPL.lines(f, ...)
  return lines_iter({ f = f, fmts = table.pack(...), close = false })
end
function IMPL.write(f, ...)
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    if type(v) ~= 'string' and type(v) ~= 'number' then
      error(sformat("bad argument #%d to 'write' (string expected, got %s)", i, I.typename(v)), 4)
    end
    if f.std == 'stdout' then H.out(1, tostring(v))
    elseif f.std == 'stderr' then H.out(2, tostring(v))
    elseif readonly(f) then return nil, 'Bad file descriptor', 9
    else
      local ok, err = bufwrite(f, tostring(v))
      if not ok then return nil, err end
    end
  end
  return HANDLE[f]
end
function IMPL.seek(f, whence, offset)
  if f.std then return nil, 'Illegal seek', 29 end
  local ok, err = flushw(f)
  if not ok then return nil, err end
  whence = whence or 'cur'
  offset = offset or 0
  if whence == 'cur' then offset = offset - #f.buf end
  f.buf = ''
  local pos, err = H.fseek(f.fd, whence, offset)
  if not pos then return nil, err end
  return pos
end
function IMPL.flush(f)
  local ok, err = flushw(f)
  if not ok then return nil, err end
  return HANDLE[f]
end
local VMODES = { no = true, full = true, line = true }
function IMPL.setvbuf(f, mode, size)
  if not VMODES[mode] then I.argerror(2, sformat("invalid option '%s'", tostring(mode))) end
  flushw(f)
  f.vmode = mode
  if math.type(size) == 'integer' and size > 0 then f.vsize = size end
  return true
end
function IMPL.close(f)
  if f.std then return nil, 'cannot close standard file' end
  flushw(f)
  f.closed = true
  H.fclose(f.fd)
  return true
end
-- The methods are C functions (H.cwrap) that check their handle as luaL_checkudata does.
for name, impl in next, IMPL do
  M[name] = I.cwrap(function(...)
    local u = ...
    local st = ST[u]
    if not st then I.typeerror(1, 'FILE*', select('#', ...), u) end
    if st.closed then error('attempt to use a closed file', 3) end
    return impl(st, select(2, ...))
  end)
end
local stdin, stdout, stderr = newfile(-1, nil, 'stdin'), newfile(-1, nil, 'stdout'), newfile(-1, nil, 'stderr')
local io = G.io
local defin, defout = stdin, stdout
io.stdin, io.stdout, io.stderr = stdin, stdout, stderr
io.open = function(path, mode)
  mode = mode or 'r'
  if type(path) ~= 'string' then I.typeerror(1, 'string', 1, path) end
  if not smatch(mode, '^[rwa]%+?b?$') then I.argerror(2, 'invalid mode') end
  local fd, err, code = H.fopen(path, mode)
  if not fd then return nil, err, code end
  local u = newfile(fd, path)
  ST[u].mode = mode
  return u
end
io.close = function(f) return (f or defout):close() end
-- io.read/io.write report argument errors as their own (the default file's method does the work)
io.read = function(...) return I.rethrow(2, pcall(M.read, defin, ...)) end
io.write = function(...) return I.rethrow(2, pcall(M.write, defout, ...)) end
io.lines = function(path, ...)
  if path == nil then return defin:lines(...) end
  local f, err = io.open(path, 'r')
  if not f then error(sformat("cannot open file '%s' (%s)", path, (sgsub(err, '^.-: ', '', 1))), 3) end
  return lines_iter({ f = ST[f], fmts = table.pack(...), close = true }), nil, nil, f
end
-- io.input/io.output as Lua's g_iofile: a file name is opened (an error when it cannot be), any
-- other argument must be a file handle.
local function iofile(mode, f)
  if type(f) == 'number' then f = tostring(f) end
  if type(f) == 'string' then
    local h, err = io.open(f, mode)
    if not h then error(sformat("cannot open file '%s' (%s)", f, (sgsub(err, '^.-: ', '', 1))), 4) end
    return h
  end
  return f
end
io.input = function(...)
  local f = ...
  if f == nil then return defin end
  if type(f) ~= 'string' and type(f) ~= 'number' and not ST[f] then I.argerror(1, sformat('FILE* expected, got %s', I.typename(f))) end
  defin = iofile('r', f)
  return defin
end
io.output = function(...)
  local f = ...
  if f == nil then return defout end
  if type(f) ~= 'string' and type(f) ~= 'number' and not ST[f] then I.argerror(1, sformat('FILE* expected, got %s', I.typename(f))) end
  defout = iofile('w', f)
  return defout
end
io.type = function(f)
  local st = ST[f]
  if st then return st.closed and 'closed file' or 'file' end
  return nil
end
-- wasmoon cannot start processes: say so, as an error (documented in docs/ARCHITECTURE.md).
io.popen = function(...)
  local n = select('#', ...)
  local prog, mode = ...
  if type(prog) ~= 'string' and type(prog) ~= 'number' then I.typeerror(1, 'string', n, prog) end
  if mode ~= nil and mode ~= 'r' and mode ~= 'w' then I.argerror(2, 'invalid mode') end
  error('io.popen is not supported in llmspell (Lua runs in WebAssembly)', 3)
end
io.tmpfile = function() return io.open(H.tmpname(), 'w+') end
os.remove = function(p) return H.remove(p) end
-- (Lua's os.rename names no file in its message, unlike os.remove)
local function unnamed(ok, err, ...)
  if ok == nil and type(err) == 'string' then err = sgsub(err, '^.-: ', '', 1) end
  return ok, err, ...
end
os.rename = function(a, b) return unnamed(H.rename(a, b)) end
os.tmpname = function() return H.tmpname() end
os.getenv = function(...)
  local k = ...
  if type(k) ~= 'string' and type(k) ~= 'number' then I.typeerror(1, 'string', select('#', ...), k) end
  local v = H.getenv(tostring(k))
  return v
end
-- os.exit ends the run: its error object is raised again at every instruction (a count hook,
-- as for interrupts) until it leaves every pcall and coroutine, so nothing catches it.
os.exit = function(...)
  local code = ...
  if code == true or code == nil then code = 0 elseif code == false then code = 1
  else
    local n = (type(code) == 'number' or type(code) == 'string') and tonumber(code)
    if not n then I.typeerror(1, 'number', select('#', ...), code) end
    code = math.tointeger(n)
    if not code then I.argerror(1, 'number has no integer representation') end
  end
  local e = { __llmspell_exit = true, code = math.tointeger(code) or 0 }
  S.exiting = e
  I.apply_all_hooks()
  error(e, 0)
end
os.execute = function(cmd)
  if cmd == nil then return false end
  error('os.execute is not supported in llmspell (Lua runs in WebAssembly)', 3)
end
-- Every replaced io/os function is a C function, as Lua's.
for _, lib in ipairs({ io, os }) do
  for k, v in next, lib do
    if type(v) == 'function' and getinfo(v, 'S').source == AGENT then lib[k] = I.cwrap(v) end
  end
end
