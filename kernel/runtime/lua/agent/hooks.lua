-- Stepping, late breakpoints, pause, interrupts and the instruction budget: one hook function.
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
local TICK, maxlevel, on_line, stop_loop = I.TICK, I.maxlevel, I.on_line, I.stop_loop

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

local function apply_hook(co)
  local mask = (S.stepping or S.lateAny) and 'l' or ''
  local count = S.budget and TICK or 0
  if S.interrupting then count = 1 end
  if mask == '' and count == 0 then
    if co then sethook(co) else sethook() end
    return
  end
  if co then sethook(co, hook, mask, count) else sethook(hook, mask, count) end
end

local function apply_all_hooks()
  apply_hook(nil)
  if rawrunning() ~= S.MAIN then apply_hook(S.MAIN) end
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
    local c = H.poll()
    if c == nil then break end
    A.command(c)
  end
end

I.apply_hook, I.apply_all_hooks = apply_hook, apply_all_hooks
