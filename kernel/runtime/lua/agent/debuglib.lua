-- The debug library functions that take stack levels see the user's stack, as in the reference
-- interpreter: the agent's frames (and the C functions the agent calls) are not counted, and below
-- the user's main chunk stands one C frame (the reference interpreter's C entry point).
local H, A, I = ...
local S, AGENT = I.S, I.AGENT
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo, getlocal, setlocal = B.getinfo, B.getlocal, B.setlocal
local type, select, pcall, tostring = B.type, B.select, B.pcall, B.tostring
local sformat, tconcat = B.sformat, B.tconcat
local rawrunning = B.running
local cwrap, rethrow = I.cwrap, I.rethrow

-- The real level (as seen by the caller of real_level's caller, the wrapper) of the user's level
-- `lvl` in the current thread, or in thread co (levels of another thread count from 0).
-- Returns the real level and true when it is the synthetic C entry below the main chunk.
local function real_level(co, lvl)
  local r, n = co and 0 or 4, co and -1 or 0 -- here: 1 real_level, 2 wrapper, 3 trampoline, 4 caller
  if not co and lvl == 0 then return 2 end -- level 0: the function itself (the trampoline)
  while true do
    local info
    if co then info = getinfo(co, r, 'Sf') else info = getinfo(r, 'Sf') end
    if not info then return nil end
    if info.func == A.run_chunk then
      -- below the user's main chunk: the next frame (xpcall, a C function) stands for Lua's entry
      if n + 1 == lvl then return co and r + 1 or r, true end
      return nil
    end
    local skip = info.source == AGENT
    if not skip and info.what == 'C' then
      local up
      if co then up = getinfo(co, r + 1, 'S') else up = getinfo(r + 1, 'S') end
      skip = up ~= nil and up.source == AGENT
    end
    if not skip then
      n = n + 1
      if n == lvl then return co and r or r - 1 end
    end
    r = r + 1
  end
end

-- (thread, level, ...) or (level, ...): the thread to walk (nil: the caller's) and the rest.
local function split(...)
  if type((...)) == 'thread' then
    local co = ...
    if co == rawrunning() then return nil, true, select(2, ...) end
    return co, true, select(2, ...)
  end
  return nil, false, ...
end

local function entry_info(t)
  if t then t.name, t.namewhat = nil, '' end
  return t
end

local dgetinfo = cwrap(function(...)
  local co, threadarg, f, what = split(...)
  if math.type(f) ~= 'integer' then
    if threadarg then return rethrow(2, pcall(getinfo, co or rawrunning(), f, what)) end
    return rethrow(2, pcall(getinfo, f, what))
  end
  local r, entry = real_level(co, f)
  if not r then
    if what ~= nil and type(what) ~= 'string' then return rethrow(2, pcall(getinfo, 1, what)) end
    return nil
  end
  local ok, t
  if co then ok, t = pcall(getinfo, co, r, what or 'flnSrtu') else ok, t = pcall(getinfo, r + 1, what or 'flnSrtu') end
  if not ok then return rethrow(2, false, t) end
  if entry then return entry_info(t) end
  -- a user hook is called by its (hidden) wrapper: Lua names a hook '?' with namewhat 'hook'
  local up
  if co then up = getinfo(co, r + 1, 'f') else up = getinfo(r + 1, 'f') end
  if t and up and I.user_hooks[up.func] then
    if t.namewhat ~= nil then t.name, t.namewhat = '?', 'hook' end
    if t.istailcall ~= nil then t.istailcall = false end
  end
  return t
end)

-- A chunk with breakpoints starts with `local __llmspell_P = __llmspell_probe` (syntax.ts): its
-- main function's locals are numbered as if that one were not there. (Level as seen by a pcall'd
-- call from the wrapper is r; here, one level deeper, it is r + 1 for the current thread.)
local function probe_shift(co, r, n)
  if math.type(n) ~= 'integer' or n < 1 then return n end
  local name
  if co then name = getlocal(co, r, 1) else name = getlocal(r, 1) end
  if name == '__llmspell_P' then return n + 1 end
  return n
end

local dgetlocal = cwrap(function(...)
  local co, _, f, n = split(...)
  if math.type(f) ~= 'integer' then return rethrow(2, pcall(getlocal, f, n)) end
  if f == 0 and not co and math.type(n) == 'integer' then
    -- level 0 is debug.getlocal itself: its locals are its arguments
    if n >= 1 and n <= select('#', ...) then return '(C temporary)', (select(n, ...)) end
    return nil
  end
  local r, entry = real_level(co, f)
  if not r then I.argerror(co and 2 or 1, 'level out of range') end
  if entry then return nil end
  if co then return rethrow(2, pcall(getlocal, co, r, probe_shift(co, r, n))) end
  return rethrow(2, pcall(getlocal, r + 1, probe_shift(nil, r + 1, n)))
end)

local dsetlocal = cwrap(function(...)
  local co, _, f, n, v = split(...)
  local r, entry = real_level(co, f)
  if not r then I.argerror(co and 2 or 1, 'level out of range') end
  if entry then return nil end
  if co then return rethrow(2, pcall(setlocal, co, r, probe_shift(co, r, n), v)) end
  return rethrow(2, pcall(setlocal, r + 1, probe_shift(nil, r + 1, n), v))
end)

-- debug.traceback as luaL_traceback over the user's frames -------------------------------------
-- Levels here are D-levels: as seen by dtraceback's agent function (1 itself, 2 its trampoline);
-- the helpers are called by that function directly, so their own level is D + 1. In thread co,
-- levels are co's own.
-- walk appends to out the user's frames of levels r..stop, innermost first: getinfo 'Slntf' of
-- each (hook: called by a user hook's wrapper), and ENTRY for the C entry below the main chunk.
-- Returns true when it reached the bottom of the user's stack.
local ENTRY = {}
local function walk(co, r, stop, out)
  local info
  if co then info = getinfo(co, r, 'Slntf') else info = getinfo(r + 1, 'Slntf') end
  while r <= stop do
    if not info then return true end
    if info.func == A.run_chunk then
      out[#out + 1] = ENTRY
      return true
    end
    local up
    if co then up = getinfo(co, r + 1, 'Slntf') else up = getinfo(r + 2, 'Slntf') end
    local skip = info.source == AGENT or (info.what == 'C' and up ~= nil and up.source == AGENT)
    if not skip then
      info.hook = up ~= nil and I.user_hooks[up.func] ~= nil
      out[#out + 1] = info
    end
    info, r = up, r + 1
  end
  return false
end
-- The deepest valid D-level (binary search: each getinfo walks the stack from its top).
local function depth(co)
  local function valid(x)
    if co then return getinfo(co, x, 'l') ~= nil end
    return getinfo(x + 2, 'l') ~= nil -- (+1 for valid's own frame)
  end
  local hi = 1
  while valid(hi) do hi = hi * 2 end
  local lo = hi // 2
  while hi - lo > 1 do
    local mid = (lo + hi) // 2
    if valid(mid) then lo = mid else hi = mid end
  end
  return lo
end

local function funcname(ar)
  local g = ar.func and I.globalname(ar.func)
  if g then return sformat("function '%s'", g) end
  if ar.hook then return "hook '?'" end
  if ar.namewhat ~= '' then return sformat("%s '%s'", ar.namewhat, ar.name) end
  if ar.what == 'main' then return 'main chunk' end
  if ar.what ~= 'C' then return sformat('function <%s:%d>', ar.short_src, ar.linedefined) end
  return '?'
end

local LEVELS1, LEVELS2 = 10, 11
-- fs[1..n]: the frames from level 0 of the thread shown (nil in the middle of a deep stack, which
-- is skipped); level counts from there.
local function traceback(fs, n, msg, level)
  local b = {}
  if msg then b[1] = msg .. '\n' end
  b[#b + 1] = 'stack traceback:'
  local last = n - 1
  local limit2show = (last - level > LEVELS1 + LEVELS2) and LEVELS1 or -1
  while level <= last do
    local ar = fs[level + 1]
    level = level + 1
    if limit2show == 0 then
      local k = last - level - LEVELS2 + 1
      b[#b + 1] = sformat('\n\t...\t(skipping %d levels)', k)
      level = level + k
    elseif ar == ENTRY then
      b[#b + 1] = '\n\t[C]: in ?'
    else
      if ar.currentline <= 0 then b[#b + 1] = sformat('\n\t%s: in ', ar.short_src)
      else b[#b + 1] = sformat('\n\t%s:%d: in ', ar.short_src, ar.currentline) end
      b[#b + 1] = funcname(ar)
      if ar.istailcall then b[#b + 1] = '\n\t(...tail calls...)' end
    end
    limit2show = limit2show - 1
  end
  return tconcat(b)
end

local MAX_WALK, EDGE = 2000, 200
local rawtraceback = debug.traceback -- errors.lua's (raw traceback with agent lines removed)
local dtraceback = cwrap(function(...)
  local co, msg, level
  if type((...)) == 'thread' then co, msg, level = ... else msg, level = ... end
  if co == rawrunning() then co = nil end
  if msg ~= nil and type(msg) ~= 'string' and type(msg) ~= 'number' then return msg end
  if level == nil then level = co and 0 or 1 end
  if math.type(level) ~= 'integer' then return rethrow(2, pcall(rawtraceback, msg, level)) end
  if msg ~= nil then msg = tostring(msg) end
  if level < 0 then level = 0 end
  local start = co and 0 or 2 -- the user's level 0 (for the running thread: the trampoline)
  local bottom = depth(co)
  local fs = {}
  if bottom - start <= MAX_WALK then
    walk(co, start, bottom, fs)
    return traceback(fs, #fs, msg, level)
  end
  -- A deep stack: the innermost and outermost frames are walked, the ones between counted as the
  -- user's (luaL_traceback shows 10 and 11 of them).
  local top, low, k = {}, {}, LEVELS2 + 8
  walk(co, start, start + EDGE - 1, top)
  while true do -- (each getinfo this deep is costly: walk as few levels as give LEVELS2 frames)
    low = {}
    walk(co, bottom - k + 1, bottom, low)
    if #low > LEVELS2 or k >= EDGE then break end
    k = k * 2
  end
  if level + LEVELS1 >= #top then
    if co then return rawtraceback(co, msg, level) end
    return rawtraceback(msg, level + 2) -- (+2: this function and its trampoline)
  end
  local middle = (bottom - k + 1) - (start + EDGE)
  for i = 1, #top do fs[i] = top[i] end
  for i = 1, #low do fs[#top + middle + i] = low[i] end
  return traceback(fs, #top + middle + #low, msg, level)
end)

-- Installed once the host modules have loaded (they run as agent code and keep the raw functions).
local mark_builtins = A.mark_builtins
function A.mark_builtins()
  mark_builtins()
  debug.getinfo, debug.getlocal, debug.setlocal = dgetinfo, dgetlocal, dsetlocal
  debug.traceback = dtraceback
end
