-- Stopping: the stop loop (breakpoint, step, pause, exception) serves commands until a resume.
local H, A, I = ...
local S, CO, G, AGENT, HIDDEN_C = I.S, I.CO, _G, I.AGENT, I.HIDDEN_C
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo = B.getinfo
local sethook = B.sethook
local getmetatable, setmetatable, rawget, rawset, next, type, select = B.getmetatable, B.setmetatable, B.rawget, B.rawset, B.next, B.type, B.select
local tostring, tonumber, pcall, xpcall, error, load = B.tostring, B.tonumber, B.pcall, B.xpcall, B.error, B.load
local sformat, ssub = B.sformat, B.ssub
local rawresume = B.resume
local co_id, maxlevel, newframe, clear_refs = I.co_id, I.maxlevel, I.newframe, I.clear_refs

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

-- Stop the program: serve requests until a resume command. `line`, when given, is the line shown
-- for the top frame (step out shows the line of the call it returned to).
local function stop_loop(reason, co, abs, text, hit, line)
  S.inStop = true
  S.pauseAfterStop = nil
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
        local ref = newframe({ co = co, abs = cur_max - level })
        stack[#stack + 1] = ref
        out[#out + 1] = { ref, frame_name(info), I.source_key(info.source), info.currentline, info.what }
      end
      level = level + 1
    end
  end
  if line and out[1] then out[1][4] = line end
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
          local ref = newframe({ co = other, level = level })
          list[#list + 1] = { ref, frame_name(info), I.source_key(info.source), info.currentline, info.what }
        end
        level = level + 1
      end
      S.stacks[co_id(other)] = list
    end
  end
  local top = out[1]
  H.stopped(reason, co_id(co), text, hit, top and top[3], top and top[4])
  local stepping
  while true do
    local c = H.next()
    local cmd = c.cmd
    if cmd == 'continue' then break
    elseif cmd == 'pause' then -- already stopped: nothing to do
    elseif cmd == 'step' then
      -- Counted from the stopped frame: depth 0 is that frame (see hooks.lua).
      stepping = { kind = c.kind, co = co, depth = 0 }
      break
    elseif cmd == 'terminate' then
      S.inStop = false
      S.stack = nil
      -- like os.exit: raised again until no pcall of the program can catch it
      local e = { __llmspell_exit = true, code = 0, terminated = true }
      S.exiting = e
      I.apply_all_hooks()
      error(e, 0)
    else
      A.command(c)
    end
  end
  clear_refs()
  S.stack = nil
  S.stacks = nil
  S.inStop = false
  -- A pause that came (through an attention) after the resume was taken but before this point.
  if S.pauseAfterStop then
    S.pauseAfterStop = nil
    stepping = stepping or { kind = 'in', pause = true }
  end
  S.stepping = stepping
  if S.interrupting or S.stepping then I.apply_all_hooks() else I.apply_hook(nil) end
  I.settle()
end

I.STD, I.stop_loop = STD, stop_loop
