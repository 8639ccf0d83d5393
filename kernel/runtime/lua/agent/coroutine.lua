-- Coroutines: the resume chain (CO) the host reads to find the running thread, and hooks per thread.
local H, A, I = ...
local S, CO, HIDDEN_C = I.S, I.CO, I.HIDDEN_C
local B = I.B -- the standard functions as they were before the agent replaced any
local type, select = B.type, B.select
local pcall, error = B.pcall, B.error
local rawresume, rawcreate, rawrunning, rawstatus = B.resume, B.create, B.running, B.status
local co_id = I.co_id

local function after_resume(d, ...)
  if d <= 257 then CO[d + 1] = false end
  CO[1] = d - 1
  return ...
end
local function resume(co, ...)
  local d = CO[1] + 1
  CO[1] = d
  if d <= 257 then CO[d + 1] = co end
  if S.stepping or S.lateAny or S.budget then I.apply_hook(co) end
  return after_resume(d, rawresume(co, ...))
end
local cwrap, rethrow = I.cwrap, I.rethrow
local rawclose = coroutine.close
-- No pcall here: the other threads' stacks a stop shows must not gain frames.
coroutine.resume = cwrap(function(...)
  local co = ...
  if type(co) ~= 'thread' then I.typeerror(1, 'thread', select('#', ...), co) end
  return resume(...)
end)

-- coroutine.wrap as Lua's auxwrap: an error kills the coroutine, closes its to-be-closed
-- variables, and a string error gets the caller's position.
local function wrap_finish(co, ok, ...)
  if ok then return ... end
  local e = ...
  if rawstatus(co) == 'dead' then
    local cok, cerr = rawclose(co)
    if not cok then e = cerr end
  end
  if type(e) == 'string' then error(e, 3) end
  error(e, 0)
end
local wrapped = cwrap(function(co, ...) return wrap_finish(co, resume(co, ...)) end, true)
coroutine.wrap = cwrap(function(...)
  local f = ...
  if type(f) ~= 'function' then I.typeerror(1, 'function', select('#', ...), f) end
  local co = rawcreate(f)
  co_id(co)
  local w = wrapped(co)
  HIDDEN_C[w] = 'wrap' -- hidden from stops; tracebacks name it as Lua does ("[C]: in local 'co'")
  return w
end)
coroutine.create = cwrap(function(...)
  local f = ...
  if type(f) ~= 'function' then I.typeerror(1, 'function', select('#', ...), f) end
  local co = rawcreate(f)
  co_id(co)
  return co
end)
-- The thread that runs the user's chunk is the main thread, as in the reference interpreter.
coroutine.running = cwrap(function()
  local co, ismain = rawrunning()
  if co == S.MAIN then return co, true end
  return co, ismain
end)
-- The user's main chunk runs in a thread of the host: yielding from it is yielding from outside
-- a coroutine, as in the reference interpreter (H.yield is a C function; H.setmain names the thread).
coroutine.yield = H.yield
I.resume = resume
HIDDEN_C[coroutine.resume] = true
