-- Output: print goes to the runtime's output channel (H.out).
local H, A, I = ...
local G = _G
local B = I.B -- the standard functions as they were before the agent replaced any
local select = B.select
local tostring = B.tostring
local tconcat = B.tconcat

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
