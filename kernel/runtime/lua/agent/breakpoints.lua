-- Breakpoints: conditions, hit counts, log points, and the probe instrumented code calls.
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
local maxlevel, eval_in, interpolate, stop_loop = I.maxlevel, I.eval_in, I.interpolate, I.stop_loop

-- Breakpoints -------------------------------------------------------------------------------------------
local function hit_ok(bp)
  bp.hits = bp.hits + 1
  local op, n = bp.hitop, bp.hitn
  if not op then return true end
  local h = bp.hits
  if op == '>=' then return h >= n
  elseif op == '>' then return h > n
  elseif op == '==' then return h == n
  elseif op == '<=' then return h <= n
  elseif op == '<' then return h < n
  elseif op == '%' then return n ~= 0 and h % n == 0
  end
  return true
end

-- A breakpoint line was reached in the frame at absolute index abs of the current thread.
local function on_line(src, line, abs, from_hook)
  if S.inStop then return end
  local set = S.bps[src]
  local bp = set and set[line]
  local fid = S.fbps[src] and S.fbps[src][line]
  if not bp and not fid then return end
  local co = rawrunning()
  local key = tostring(co) .. '|' .. abs .. '|' .. src .. '|' .. line
  if from_hook then
    S.hookVisited = key
  elseif S.hookVisited == key then
    S.hookVisited = nil
    return
  end
  if bp then
    local fr = { co = co, abs = abs }
    if bp.cond then
      S.inStop = true
      local ok, v = eval_in(bp.cond, fr)
      S.inStop = false
      if ok and not v then bp = nil
      elseif not ok then H.out(2, sformat('breakpoint condition error (%s:%d): %s\n', ssub(src, 2), line, tostring(v))) end
    end
    if bp and not hit_ok(bp) then bp = nil end
    if bp and bp.log then
      S.inStop = true
      local msg = interpolate(bp.log, fr)
      S.inStop = false
      H.log(msg .. '\n', ssub(src, 2), line)
      bp = nil
    end
  end
  if not bp and not fid then return end
  stop_loop(bp and 'breakpoint' or 'function breakpoint', co, abs, nil, bp and bp.id or fid)
end

-- The probe instrumented code calls on breakpoint lines.
G.__llmspell_probe = function(line)
  if S.inStop then return end
  local info = getinfo(2, 'S')
  on_line(info.source, line, maxlevel() - 2)
end

I.on_line = on_line
