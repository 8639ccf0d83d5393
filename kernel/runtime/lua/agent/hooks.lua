-- Stepping, late breakpoints, pause, interrupts and the instruction budget: one hook function.
local H, A, I = ...
local S, CO, G, AGENT = I.S, I.CO, _G, I.AGENT
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo = B.getinfo
local sethook = B.sethook
local setmetatable, next, type, select = B.setmetatable, B.next, B.type, B.select
local tostring, pcall, xpcall, error = B.tostring, B.pcall, B.xpcall, B.error
local rawrunning, rawstatus = B.running, B.status
local TICK, maxlevel, on_line, stop_loop = I.TICK, I.maxlevel, I.on_line, I.stop_loop
local source_key = I.source_key
local LATE_SWEEP = 10000 -- line events between checks that the frames late lines wait for still run

-- Stepping counts calls and returns of the stepping thread instead of measuring the stack at each
-- line, so a step costs the same at any depth. st.depth: frames above the frame the step started
-- in (negative once that frame returned). Errors unwind frames without return events: a pcall or
-- xpcall records the depth at its call and restores it when it returns.
local PROTECTED = { [pcall] = true, [xpcall] = true }
if G.pcall then PROTECTED[G.pcall] = true end
if G.xpcall then PROTECTED[G.xpcall] = true end

local function user_frame(info)
  return info and info.source ~= AGENT and info.what ~= 'C'
end

-- Stop for a step or pause; the user's frame is at level 3 as seen here (the hook at 2).
local function stop_step(st, co, line)
  local reason = st.pause and 'pause' or (st.entry and 'entry' or 'step')
  local abs = maxlevel() - 3
  stop_loop(reason, co, abs, nil, nil, line)
  local info = getinfo(3, 'Sl')
  if info then S.hookVisited = tostring(co) .. '|' .. abs .. '|' .. info.source .. '|' .. (info.currentline or 0) end
end

-- A call or return in the stepping thread.
local function count_frames(st, ev)
  local info = getinfo(3, 'Sf')
  -- Agent frames are not the program's, and C frames (other than pcall/xpcall) need no counting:
  -- Lua functions they call are counted themselves.
  if not info or info.source == AGENT or (info.what == 'C' and not PROTECTED[info.func]) then return end
  if ev == 'call' then
    st.depth = st.depth + 1
    if PROTECTED[info.func] then
      local p = st.protected or {}
      st.protected = p
      p[#p + 1] = st.depth
    end
  elseif ev == 'tail call' then
    if st.depth == 0 then st.depth, st.tailed = 1, true end
  else -- return
    local p = st.protected
    if p and PROTECTED[info.func] and #p > 0 then
      st.depth = p[#p]
      p[#p] = nil
    end
    st.depth = st.depth - 1
    if st.depth == 0 and st.tailed then st.depth, st.tailed = -1, nil end
    local caller = st.depth < 0 and st.kind == 'out' and not st.after and getinfo(4, 'Sl')
    if caller and user_frame(caller) then
      -- Step out: the frame the step started in is returning to a Lua caller (level 4 here).
      -- Stop at the caller's next instruction (a count hook of 1), shown on the line of the call
      -- as lua-debug does, with the returned values already stored. A C caller (pcall, sort)
      -- waits for the next Lua line instead.
      st.after = caller.currentline
      sethook(I.hook, 'crl', 1)
    end
  end
end

local function should_stop_line(st, co)
  if st.kind == 'in' then return true end
  if co ~= st.co then
    local s = rawstatus(st.co)
    return s ~= 'normal' and s ~= 'running'
  end
  if st.kind == 'out' then return st.depth < 0 end
  return st.depth <= 0
end

local function hook(ev, line)
  if ev == 'count' then
    if S.exiting then
      local info = getinfo(2, 'S')
      if info and info.source ~= AGENT then error(S.exiting, 0) end
      return
    end
    if S.interrupting then
      local info = getinfo(2, 'S')
      if info and info.source ~= AGENT then error('interrupted', 2) end
      return
    end
    local st = S.stepping
    if st and st.after and not S.inStop and not S.evaluating then
      local co = rawrunning()
      if co == st.co and user_frame(getinfo(2, 'S')) then stop_step(st, co, st.after); return end
    end
    local b = S.budget
    if b and not (st and st.after) then
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
  if S.inStop or S.evaluating then return end
  local st = S.stepping
  if not st and not S.lateAny then
    if not S.budget then sethook() end
    return
  end
  if ev ~= 'line' then
    if st and st.depth and rawrunning() == st.co then count_frames(st, ev) end
    return
  end
  local info = getinfo(2, 'S')
  local src = info.source
  if src == AGENT or info.what == 'C' then return end
  src = source_key(src)
  S.hookVisited = nil
  if st then
    local co = rawrunning()
    -- Stop on entry at a line where a statement starts (Lua reports a leading
    -- `local function f() ... end` on its `end` line first).
    if st.entry and not H.stmtline(src, line) then return end
    if should_stop_line(st, co) then stop_step(st, co); return end
  end
  if S.lateAny then
    local l = S.late[src]
    if l and l[line] then on_line(src, line, true) end
    local n = S.lateTicks - 1
    if n <= 0 then n = LATE_SWEEP; I.late_sweep() end
    S.lateTicks = n
  end
end

local function apply_hook(co)
  local st = S.stepping
  local mask = ''
  if st then mask = (st.kind == 'in' or not st.depth) and 'l' or 'crl'
  elseif S.lateAny then mask = 'l' end
  local count = S.budget and TICK or 0
  if st and st.after then count = 1 end
  if S.interrupting or S.exiting then count = 1 end
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
  apply_all_hooks()
  if S.interrupting then
    -- Raise in the program's code; inside the agent (a breakpoint condition, the probe) the count
    -- hook of 1 raises it at the program's next instruction instead.
    local info = getinfo(2, 'S')
    if info and info.source ~= AGENT and info.source ~= '=(breakpoint)' then error('interrupted', 2) end
  end
end

-- User hooks (debug.sethook) see the program only: events in the agent (the probe, breakpoint
-- conditions) and in C functions the agent calls are not passed on. The wrapper is an agent frame,
-- so debug.getinfo(2) in the user's hook is the hooked function, as without the debugger.
local HIDDEN_SRC = { [AGENT] = true, ['=(breakpoint)'] = true }
local user_hooks = setmetatable({}, { __mode = 'k' })
local gethook = debug.gethook
-- Both are C functions (H.cwrap) as in Lua: a 'c'/'r' user hook sees the return from
-- debug.sethook right after setting it and the call of debug.sethook() that clears it.
debug.sethook = I.cwrap(function(...)
  local co, f, mask, count
  if type((...)) == 'thread' then co, f, mask, count = ... else f, mask, count = ... end
  if f == nil then
    if co then return sethook(co) end
    return sethook()
  end
  -- A count-only hook gets the user's function itself: instructions of a wrapper would count.
  if (mask == nil or mask == '') and math.type(count) == 'integer' and count > 0 then
    if co then return I.rethrow(2, pcall(sethook, co, f, mask, count)) end
    return I.rethrow(2, pcall(sethook, f, mask, count))
  end
  local function wrapped(ev, line)
    local info = getinfo(2, 'S')
    if not info or HIDDEN_SRC[info.source] then return end
    -- a C function the agent called (through other C functions such as pcall) is the agent's
    local lv = 3
    while info and info.what == 'C' do
      info = getinfo(lv, 'S')
      if info and HIDDEN_SRC[info.source] then return end
      lv = lv + 1
    end
    -- not a tail call: debug.getinfo names f as Lua names a hook ('?', namewhat 'hook')
    f(ev, line)
  end
  user_hooks[wrapped] = f
  if co then return I.rethrow(2, pcall(sethook, co, wrapped, mask, count)) end
  return I.rethrow(2, pcall(sethook, wrapped, mask, count))
end)
-- No hook (or only the debugger's own): one fail value, as luaL_pushfail.
debug.gethook = I.cwrap(function(...)
  local h, mask, count
  if select('#', ...) > 0 then h, mask, count = gethook((...)) else h, mask, count = gethook() end
  if h == nil or h == hook then return nil end
  return user_hooks[h] or h, mask, count
end)

function A.drain()
  while true do
    local c = H.poll()
    if c == nil then break end
    A.command(c)
  end
end

-- Setting hooks replaces the count hook the host uses to ask for attention: after setting them,
-- serve the commands that are already waiting (a pause sent while hooks were being set), so none
-- waits for an attention that was overwritten.
local function settle()
  local st, intr = S.stepping, S.interrupting
  A.drain()
  if S.stepping ~= st or S.interrupting ~= intr then apply_all_hooks() end
end

I.user_hooks = user_hooks
I.hook, I.apply_hook, I.apply_all_hooks, I.settle = hook, apply_hook, apply_all_hooks, settle
