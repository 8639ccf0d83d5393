-- Commands from the host (while running, stopped or idle): one handler per command, named fields.
-- The list must match AgentCommand in kernel/runtime/protocol.ts (test/unit/runtime/agent-contract).
local H, A, I = ...
local S = I.S
local B = I.B -- the standard functions as they were before the agent replaced any
local next = B.next
local tostring = B.tostring

local C = {}

-- Requests served while stopped (answered with H.reply(c.id, ...)).
function C.stack(c) A.stacktrace(c.id, c.threadId) end
function C.scopes(c) A.scopes(c.id, c.frameId) end
function C.vars(c) A.variables(c.id, c.ref) end
function C.setvar(c) A.setvariable(c.id, c.ref, c.name, c.value) end
function C.eval(c) A.evaluate(c.id, c.expr, c.frameId) end
function C.completions(c) A.completions(c.id, c.text, c.frameId) end
function C.threads(c) A.threads(c.id) end

-- Resuming: the stop loop handles these itself; outside a stop there is nothing to resume.
function C.continue() end
function C.step() end
function C.terminate() end

-- Control while running.
function C.pause()
  if not S.inStop then
    S.stepping = { kind = 'in', pause = true }
  else
    -- Only reached once the stop loop took its resume (it ignores pauses itself): the pause is
    -- for the program that runs on, applied as the stop ends.
    S.pauseAfterStop = true
  end
end
function C.interrupt()
  S.interrupting = true
end

-- Breakpoint tables (computed by kernel/runtime/breakpoints.ts).
function C.bp(c)
  local src, line, spec = c.source, c.line, c.spec
  local set = S.bps[src]
  if not set then set = {}; S.bps[src] = set end
  set[line] = I.arm(src, line, spec) -- condition and log message compiled once, here
  if spec.late then
    S.late[src] = S.late[src] or {}
    S.late[src][line] = true
    S.lateAny = true
  end
  I.refresh_guards(src, line)
  if c.id then H.reply(c.id, true) end
end
function C.fbp(c)
  S.fbps[c.source] = S.fbps[c.source] or {}
  S.fbps[c.source][c.line] = c.bpId
  I.refresh_guards(c.source, c.line)
  if c.id then H.reply(c.id, true) end
end
function C.clearbps(c)
  local src = c.source
  if c.kind == 'function' then
    if src then S.fbps[src] = nil else S.fbps = {} end
  else
    if src then S.bps[src] = nil; S.late[src] = nil; S.lateFrames[src] = nil
    else S.bps = {}; S.late = {}; S.lateFrames = {} end
    S.lateAny = next(S.late) ~= nil
    if S.lateAny and next(S.fbps) ~= nil then S.lateAny = true end
  end
  I.refresh_guards(src, nil)
  if c.id then H.reply(c.id, true) end
end
function C.relive(c)
  A.relive(c)
end
function C.guard(c)
  I.add_guard(c)
end
function C.late(c)
  S.late[c.source] = S.late[c.source] or {}
  S.late[c.source][c.line] = true
  S.lateAny = true
end
function C.filters(c)
  S.filters.uncaught = c.uncaught and true or false
  S.filters.all = c.all and true or false
  if c.id then H.reply(c.id, true) end
end
function C.entry(c)
  S.entry = c.on and true or false
end
function C.budget(c)
  S.budgetTicks = c.ticks
end

A.COMMANDS = C

function A.command(c)
  local f = C[c.cmd]
  if f then return f(c) end
  if c.id then H.reply(c.id, nil, 'unknown command ' .. tostring(c.cmd)) end
end
