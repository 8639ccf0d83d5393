-- Debugger: frames of the stopped thread, their variables, and evaluating code in a frame.
local H, A, I = ...
local S, G = I.S, _G
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo, getlocal, setlocal = B.getinfo, B.getlocal, B.setlocal
local getupvalue, setupvalue, sethook = B.getupvalue, B.setupvalue, B.sethook
local getmetatable, setmetatable, type, select = B.getmetatable, B.setmetatable, B.type, B.select
local tostring, pcall, error, load = B.tostring, B.pcall, B.error, B.load
local ssub, sgsub = B.ssub, B.sgsub
local rawresume, rawcreate, rawrunning, rawstatus = B.resume, B.create, B.running, B.status
local tunpack = B.tunpack
local maxlevel, render, short = I.maxlevel, I.render, I.short

-- Debugger: frames, variables, evaluation ------------------------------------------------------------
-- R.frames[n]: a stopped frame ({co, abs} or {co, level}); R.refs[n]: a value shown to the client.
-- Frames and references share one counter, reset at every stop.
local R = { frames = {}, refs = {}, n = 0 }
local function newref(v) R.n = R.n + 1; R.refs[R.n] = v; return R.n end
local function newframe(fr) R.n = R.n + 1; R.frames[R.n] = fr; return R.n end
local function clear_refs() R.frames, R.refs, R.n = {}, {}, 0 end

-- Level of a registered frame (current thread) as seen by the caller of lv.
local function lv(fr) return maxlevel() - 1 - fr.abs end

-- Frame accessors that work for the stopped thread (fr.abs) and for other threads (fr.co, fr.level).
-- A stopped-thread frame read from another thread (an evaluation coroutine) counts from the bottom.
local function flevel(fr) return fr.level or (maxlevel(fr.co) - fr.abs - 1) end
local function fgetlocal(fr, i)
  if fr.co == rawrunning() then return getlocal(lv(fr), i) end
  return getlocal(fr.co, flevel(fr), i)
end
local function fsetlocal(fr, i, v)
  if fr.co == rawrunning() then return setlocal(lv(fr), i, v) end
  return setlocal(fr.co, flevel(fr), i, v)
end
local function ffunc(fr)
  local info
  if fr.co == rawrunning() then info = getinfo(lv(fr), 'f') else info = getinfo(fr.co, flevel(fr), 'f') end
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

-- Code the debugger evaluates (console, hovers, conditions, log messages, inspection) can spin
-- (`while true do end`). It runs in a fresh coroutine with its own count hook, because hooks are
-- off in the stop loop and inside hooks; every EVAL_TICK instructions the hook asks the worker
-- whether a command arrived that ends it (interrupt, pause, continue, step, terminate).
local EVAL_TICK = 10000
local function eval_guard()
  if S.interrupting or H.abort_eval() then error('evaluation interrupted', 0) end
end
local function guarded_pcall(f, ...)
  local co = rawcreate(f)
  sethook(co, eval_guard, '', EVAL_TICK)
  local res = table.pack(rawresume(co, ...))
  if rawstatus(co) == 'suspended' then return false, 'attempt to yield from an evaluation' end
  return tunpack(res, 1, res.n)
end

-- Evaluate `code` in frame fr (or globally when fr is nil); returns ok, value-or-error.
local function eval_in(code, fr)
  local env = fr and frame_env(fr) or G
  local f, err = compile_in(code, env)
  if not f then return false, err end
  local res = table.pack(guarded_pcall(f))
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

I.R, I.newref, I.newframe, I.clear_refs = R, newref, newframe, clear_refs
I.fgetlocal, I.fsetlocal, I.ffunc, I.visible_names, I.frame_env = fgetlocal, fsetlocal, ffunc, visible_names, frame_env
I.describe, I.eval_in, I.interpolate, I.guarded_pcall = describe, eval_in, interpolate, guarded_pcall
