-- Agent core: shared state (S), the resume chain (CO), thread ids and stack depth.
-- Every agent module is loaded under the chunk name "=[llmspell]" and receives (H, A, I): H the host
-- functions (see ../host.meta.lua), A the agent table the worker calls, I the agent's internals
-- shared between modules (filled in load order; a module reads later modules' entries at call time).
local H, A, I = ...
local AGENT = '=[llmspell]'
local getinfo, getlocal, setlocal = debug.getinfo, debug.getlocal, debug.setlocal
local getupvalue, setupvalue, sethook = debug.getupvalue, debug.setupvalue, debug.sethook
local getmetatable, setmetatable, rawget, rawset, next, type, select = getmetatable, setmetatable, rawget, rawset, next, type, select
local tostring, tonumber, pcall, xpcall, error, load = tostring, tonumber, pcall, xpcall, error, load
local sformat, srep, ssub, sfind, sgsub, smatch = string.format, string.rep, string.sub, string.find, string.gsub, string.match
local tconcat, tsort, tunpack = table.concat, table.sort, table.unpack
local rawresume, rawcreate, rawrunning, rawstatus = coroutine.resume, coroutine.create, coroutine.running, coroutine.status
I.B = {
  getinfo = getinfo, getlocal = getlocal, setlocal = setlocal,
  getupvalue = getupvalue, setupvalue = setupvalue, sethook = sethook,
  getmetatable = getmetatable, setmetatable = setmetatable, rawget = rawget, rawset = rawset, next = next,
  type = type, select = select, tostring = tostring, tonumber = tonumber, pcall = pcall, xpcall = xpcall,
  error = error, load = load, sformat = sformat, srep = srep, ssub = ssub, sfind = sfind, sgsub = sgsub,
  smatch = smatch, tconcat = tconcat, tsort = tsort, tunpack = tunpack,
  resume = rawresume, create = rawcreate, running = rawrunning, status = rawstatus,
}
-- C functions and agent wrappers that never show in user stacks.
local HIDDEN_C = setmetatable({ [error] = true, [xpcall] = true, [pcall] = false }, { __mode = 'k' })

local S = {
  MAIN = rawrunning(), -- replaced by the thread that runs A.run
  last_error = nil,    -- what the error handler saw for the current run
  stepping = nil,      -- {kind, co, abs, func}
  lateAny = false,     -- some breakpoint lines have no probe in an already loaded chunk
  late = {},           -- late[source][line] = true
  lateFrames = {},     -- lateFrames[source] = { {co, f}, ... }: old frames the late lines wait for
  lateTicks = 0,       -- line events until the hook checks whether those frames returned
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
  if co == S.MAIN then return 1 end
  local id = coids[co]
  if not id then nextcoid = nextcoid + 1; id = nextcoid; coids[co] = id end
  return id
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


I.AGENT, I.S, I.CO, I.HIDDEN_C, I.TICK = AGENT, S, CO, HIDDEN_C, TICK
I.co_id, I.maxlevel = co_id, maxlevel

-- Replaced builtins are real C functions (H.cwrap), so debug.getinfo, tracebacks and the debug
-- library see what they would see for Lua's own. An error a builtin raises for its caller uses
-- level 3 (1 = the agent function, 2 = the C trampoline, 3 = the caller); errors that C functions
-- raise inside the agent carry the agent's position, which rethrow replaces by the caller's.
I.cwrap = H.cwrap
function I.rethrow(level, ok, ...)
  if ok then return ... end
  local e = ...
  if type(e) == 'string' then
    local s, n = sgsub(e, '^%[llmspell%]:%d+: ', '', 1)
    -- (a C function pcall'd directly raises its argument errors without a position)
    if n > 0 or smatch(s, '^bad argument #%d+ to ') then
      -- an argument error names the builtin as Lua names it (see argerror below)
      local arg = smatch(s, "^bad argument #(%d+) to '[^']*'")
      if arg then
        local ar = getinfo(level, 'nf')
        local name = ar and (ar.name or I.globalname(ar.func)) or '?'
        s = sgsub(s, "^bad argument #%d+ to '[^']*'", sformat("bad argument #%s to '%s'", arg, (sgsub(name, '%%', '%%%%'))), 1)
      end
      error(s, level + 1)
    end
  end
  error(e, 0)
end
-- The type name Lua's argument errors use for a value (luaL_typeerror).
local dgetmetatable = debug.getmetatable
function I.typename(v)
  local mt = dgetmetatable(v)
  local n = type(mt) == 'table' and rawget(mt, '__name')
  if type(n) == 'string' then return n end
  return type(v)
end
-- Breakpoints and the front ends name files by absolute path; Lua names a chunk as it was loaded
-- ('@mod.lua', '@./mod.lua'). source_key maps a chunk's source to the breakpoint key.
local keys = {}
function I.source_key(src)
  if ssub(src, 1, 1) ~= '@' then return src end
  local k = keys[src]
  if k then return k end
  if ssub(src, 2, 2) == '/' then k = src else k = '@' .. H.abspath(ssub(src, 2)) end
  keys[src] = k
  return k
end

-- luaL_argerror for an agent function called by its C trampoline: the name Lua sees for the
-- trampoline (or its global name, e.g. 'coroutine.wrap', when called without one), 'bad self' for
-- methods, and the position of the trampoline's caller.
local function globalname(f)
  for mname, mod in next, package.loaded do
    if type(mod) == 'table' then
      for k, v in next, mod do
        if v == f and type(k) == 'string' then
          return mname == '_G' and k or (mname .. '.' .. k)
        end
      end
    end
  end
end
local function argerror(up, arg, extramsg)
  -- 1 = argerror, 2 + up = the agent function, 3 + up = the C trampoline, 4 + up = its caller
  local ar = getinfo(3 + up, 'nf')
  local name = ar and ar.name
  if ar and ar.namewhat == 'method' then
    arg = arg - 1
    if arg == 0 then error(sformat("calling '%s' on bad self (%s)", name, extramsg), 4 + up) end
  end
  if name == nil then name = ar and globalname(ar.func) or '?' end
  error(sformat("bad argument #%d to '%s' (%s)", arg, name, extramsg), 4 + up)
end
function I.argerror(arg, extramsg) argerror(1, arg, extramsg) end
I.globalname = globalname
-- "<expected> expected, got <type>" for argument i of the packed arguments (n = count).
function I.typeerror(arg, expected, n, v)
  argerror(1, arg, sformat('%s expected, got %s', expected, arg > n and 'no value' or I.typename(v)))
end
