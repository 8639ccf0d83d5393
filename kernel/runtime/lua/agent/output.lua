-- Output: print goes to the runtime's output channel (H.out).
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

-- Output and input --------------------------------------------------------------------------------
local function out(stream, ...)
  local n = select('#', ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  H.out(stream, tconcat(parts))
end
-- print is a C function of the worker (H.print): luaL_tolstring on each argument, bytes out.
G.print = H.print


I.out = out
