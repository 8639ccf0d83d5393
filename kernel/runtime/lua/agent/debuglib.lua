-- The debug library functions that take stack levels see the user's stack, as in the reference
-- interpreter: the agent's frames (and the C functions the agent calls) are not counted, and below
-- the user's main chunk stands one C frame (the reference interpreter's C entry point).
local H, A, I = ...
local S, AGENT = I.S, I.AGENT
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo, getlocal, setlocal = B.getinfo, B.getlocal, B.setlocal
local type, select, pcall = B.type, B.select, B.pcall
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

-- Installed once the host modules have loaded (they run as agent code and keep the raw functions).
local mark_builtins = A.mark_builtins
function A.mark_builtins()
  mark_builtins()
  debug.getinfo, debug.getlocal, debug.setlocal = dgetinfo, dgetlocal, dsetlocal
end
