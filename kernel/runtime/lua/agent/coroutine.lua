-- Coroutines: the resume chain (CO) the host reads to find the running thread, and hooks per thread.
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
coroutine.resume = resume
coroutine.wrap = function(f)
  local co = rawcreate(f)
  co_id(co)
  return function(...)
    local function finish(ok, ...)
      if not ok then
        local msg = ...
        if type(msg) == 'string' then error(msg, 0) end
        error(msg, 0)
      end
      return ...
    end
    return finish(resume(co, ...))
  end
end
coroutine.create = function(f)
  local co = rawcreate(f)
  co_id(co)
  return co
end
