-- Running code for the front ends (A.run), and completion/inspection while idle.
local H, A, I = ...
local S, CO, G = I.S, I.CO, _G
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo = B.getinfo
local sethook = B.sethook
local next, type, select = B.next, B.type, B.select
local tostring, pcall, xpcall, error, load = B.tostring, B.pcall, B.xpcall, B.error, B.load
local sformat, ssub = B.sformat, B.ssub
local tsort, tunpack = B.tsort, B.tunpack
local rawrunning = B.running
local STD, render, loadsource, handler, apply_hook = I.STD, I.render, I.loadsource, I.handler, I.apply_hook

local function pack(...) return { n = select('#', ...), ... } end

-- Run a loaded chunk (function) with arguments; returns ok, results-or-error info.
local function identity(...) return ... end
-- The chunk is called through a temporary, not a named local, so Lua gives its frame no name
-- (tracebacks say "in main chunk", as the reference interpreter's).
local function chunk_of(f) return f end
function A.run_chunk(f, ...)
  return identity(chunk_of(f)(...))
end

function A.run(code, chunkname, mode, args, nargs, script)
  S.MAIN = rawrunning()
  H.setmain()
  CO[1] = 1
  CO[2] = S.MAIN
  S.last_error = nil
  -- S.interrupting is not cleared here: an interrupt applied before the run (the worker files them
  -- per execution, kernel/runtime/exec-interrupts.ts) is for this run. It is cleared when a run ends.
  S.exiting = nil
  S.hookVisited = nil
  if S.lateAny then I.late_sweep() end
  if S.budgetTicks then S.budget = S.budgetTicks else S.budget = nil end
  code = code or H.source()
  local f, err
  if mode == 'cell' then
    -- As a REPL does, try the cell as an expression first. The values pass through a function call
    -- so a call in the cell is not a tail call and keeps its frame (error lines, debugger stacks).
    f = loadsource('return (function(...) return ... end)(' .. code .. '\n)', chunkname)
    if not f then f, err = loadsource(code, chunkname) end
  else
    -- A script, as `lua FILE` loads it (BOM and '#' first line skipped, binary chunks allowed).
    f, err = I.lload(I.file_chunk(code), chunkname)
  end
  if not f then
    return { ok = false, syntax = true, message = err }
  end
  if S.entry then
    S.entry = false
    S.stepping = { kind = 'in', entry = true }
  end
  apply_hook(nil)
  I.settle()
  local argv = {}
  for i = 1, nargs or 0 do argv[i] = args[i] or args[tostring(i)] or args[i - 1] end
  if script then
    local at = { [0] = script }
    for i = 1, #argv do at[i] = argv[i] end
    G.arg = at
  end
  local res = pack(xpcall(A.run_chunk, handler, f, tunpack(argv, 1, nargs or 0)))
  I.flush_files() -- as exit() flushes the program's open files
  S.stepping = nil
  S.budget = nil
  S.interrupting = false
  S.exiting = nil
  sethook()
  CO[1] = 0
  CO[2] = false
  if res[1] then
    local values = {}
    for i = 2, res.n do values[i - 1] = render(res[i], 4) end
    return { ok = true, values = values, n = res.n - 1 }
  end
  local le = S.last_error or {}
  if le.exit then
    return { ok = false, exit = true, code = le.exit.code, terminated = le.exit.terminated }
  end
  return { ok = false, message = le.message or tostring(res[2]), traceback = le.traceback or {}, interrupted = le.interrupted }
end

-- Completion and inspection for front ends while idle.
function A.complete(text)
  if type(text) ~= 'string' then return {} end
  return A.complete_names(text, nil, nil)
end

function A.inspect(expr)
  if type(expr) ~= 'string' then return nil end
  local f = load('return ' .. expr, '=(inspect)', 't', G)
  if not f then return nil end
  local ok, v = I.guarded_pcall(f)
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

-- The reference interpreter (lua.c) runs the collector in generational mode from the start.
collectgarbage('generational')

return A
