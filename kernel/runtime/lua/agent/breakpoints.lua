-- Breakpoints: conditions, hit counts, log points, and the probe instrumented code calls.
local H, A, I = ...
local S, G = I.S, _G
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo, getlocal = B.getinfo, B.getlocal
local getupvalue = B.getupvalue
local getmetatable, setmetatable, type = B.getmetatable, B.setmetatable, B.type
local tostring, pcall, error, load = B.tostring, B.pcall, B.error, B.load
local sformat, ssub, sgsub, smatch = B.sformat, B.ssub, B.sgsub, B.smatch
local tconcat, tunpack, next = B.tconcat, B.tunpack, B.next
local mtype = math.type -- the agent loads before any user code
local rawrunning = B.running
local maxlevel, stop_loop, render = I.maxlevel, I.stop_loop, I.render

-- Conditions and log messages are compiled once, when the breakpoint is set, into functions whose
-- environment reads the frame being checked: FRAME is that frame's level as seen by `evaluate`.
-- Nothing is compiled or kept per hit, and the cost of a check does not depend on stack depth.
local FRAME = 0
local EVAL_DEPTH = 3 -- __index -> compiled expression -> pcall -> evaluate

local function frame_lookup(level, k)
  local found, value = false, nil
  local i = 1
  while true do
    local n, v = getlocal(level + 1, i)
    if n == nil then break end
    if n == k then found, value = true, v end
    i = i + 1
  end
  if found then return true, value end
  local info = getinfo(level + 1, 'f')
  local f = info and info.func
  if f then
    i = 1
    while true do
      local n, v = getupvalue(f, i)
      if n == nil then break end
      if n == k then return true, v end
      i = i + 1
    end
  end
  return false, nil
end

local FRAME_ENV = setmetatable({}, {
  __index = function(_, k)
    local level = FRAME + EVAL_DEPTH
    local ok, v = frame_lookup(level, k)
    if ok then return v end
    local eok, env = frame_lookup(level, '_ENV')
    return (eok and env or G)[k]
  end,
  __newindex = function() error('a breakpoint condition cannot assign variables', 2) end,
})

local function compile(expr)
  return load('return ' .. expr, '=(breakpoint)', 't', FRAME_ENV)
end

-- Evaluate a compiled expression for the frame at `level` as seen by the caller of evaluate.
local function evaluate(f, level)
  local saved = FRAME
  FRAME = level + 1
  S.evaluating = true
  local ok, v = pcall(f)
  S.evaluating = false
  FRAME = saved
  return ok, v
end

-- The names a condition reads (identifiers that are not fields, keywords or inside strings).
local KEYWORDS = {}
for w in string.gmatch('and break do else elseif end false for function goto if in local nil not or repeat return then true until while', '%a+') do KEYWORDS[w] = true end
local function free_names(expr)
  local text = sgsub(sgsub(sgsub(expr, '%[(=*)%[.-%]%1%]', ''), '"[^"]*"', ''), "'[^']*'", '')
  local names, seen = {}, {}
  for pos, name in string.gmatch(text, '()%f[%w_]([%a_][%w_]*)') do
    local before = ssub(text, 1, pos - 1)
    local field = smatch(before, '[%.:]%s*$') and not smatch(before, '%.%.%s*$')
    if not field and not KEYWORDS[name] and not seen[name] then
      seen[name] = true
      names[#names + 1] = name
    end
  end
  return names
end

-- The fast form of a condition that reads only locals of the checked frame: compiled once as a
-- function of those locals, called with their values (getlocal by index, no lookup per name).
-- The local indexes are found at the first check; a frame with other locals uses the general form.
local function fast_condition(bp, level)
  local names = bp.names
  if #names == 0 then return { f = bp.cond, idx = {}, args = {} } end
  local idx = {}
  for k, name in ipairs(names) do
    local i, found = 1, nil
    while true do
      local n = getlocal(level + 1, i)
      if n == nil then break end
      if n == name then found = i end
      i = i + 1
    end
    if not found then return false end
    idx[k] = found
  end
  local f = load('local ' .. tconcat(names, ', ') .. ' = ...; return ' .. bp.condsrc, '=(breakpoint)', 't', FRAME_ENV)
  if not f then return false end
  return { f = f, idx = idx, args = {} }
end

-- Check a condition for the frame at `level` as seen by the caller; returns ok, value.
local function condition(bp, level)
  local fast = bp.fast
  if fast == nil and bp.names then
    fast = fast_condition(bp, level + 1)
    bp.fast = fast
  end
  if fast then
    local names, idx, args = bp.names, fast.idx, fast.args
    local n = #names
    for k = 1, n do
      local name, v = getlocal(level + 1, idx[k])
      if name ~= names[k] then return evaluate(bp.cond, level + 1) end
      args[k] = v
    end
    S.evaluating = true
    local ok, v = pcall(fast.f, tunpack(args, 1, n))
    S.evaluating = false
    for k = 1, n do args[k] = nil end
    return ok, v
  end
  return evaluate(bp.cond, level + 1)
end

-- Compile a breakpoint's condition and log message once. A compile error is reported once and the
-- breakpoint never stops.
local function arm(src, line, spec)
  local bp = { id = spec.id, hitop = spec.hitop, hitn = spec.hitn, hits = 0 }
  if spec.cond then
    local f, err = compile(spec.cond)
    if f then
      bp.cond, bp.condsrc = f, spec.cond
      local names = free_names(spec.cond)
      if #names <= 8 then bp.names = names else bp.fast = false end
    else
      bp.broken = true
      H.out(2, sformat('breakpoint condition at %s:%d does not compile (%s); the breakpoint is ignored\n', ssub(src, 2), line, tostring(err)))
    end
  end
  if spec.log then
    local parts = {}
    local pos = 1
    for s, expr, e in string.gmatch(spec.log, '(){(.-)}()') do
      if s > pos then parts[#parts + 1] = ssub(spec.log, pos, s - 1) end
      parts[#parts + 1] = compile(expr) or ('{' .. expr .. '}')
      pos = e
    end
    if pos <= #spec.log then parts[#parts + 1] = ssub(spec.log, pos) end
    bp.log = parts
  end
  return bp
end

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

local function report(bp, src, line, what, err)
  if S.interrupting then return end -- the interrupt, not the condition's fault
  local msg = tostring(err)
  if bp.lastError == msg then return end
  bp.lastError = msg
  H.out(2, sformat('breakpoint %s error (%s:%d): %s\n', what, ssub(src, 2), line, msg))
end

-- The log point's message for the frame at `level` as seen by the caller.
local function message(bp, src, line, level)
  local out = {}
  for i, p in ipairs(bp.log) do
    if type(p) == 'string' then out[i] = p
    else
      local ok, v = evaluate(p, level + 1)
      if not ok then report(bp, src, line, 'log message', v); v = '{' .. tostring(v) .. '}'
      elseif type(v) ~= 'string' then v = render(v, 1) end
      out[i] = v
    end
  end
  return tconcat(out)
end

-- A breakpoint line was reached; the user's frame is at level 3 as seen here (probe or hook at 2).
local function on_line(src, line, from_hook)
  if S.inStop or S.evaluating then return end
  local set = S.bps[src]
  local bp = set and set[line]
  local fset = S.fbps[src]
  local fid = fset and fset[line]
  if not bp and not fid then return end
  if from_hook or S.hookVisited then
    -- The late-breakpoint hook and a probe on the same line must not both count it.
    local key = tostring(rawrunning()) .. '|' .. (maxlevel() - 3) .. '|' .. src .. '|' .. line
    if from_hook then S.hookVisited = key
    elseif S.hookVisited == key then S.hookVisited = nil; return
    else S.hookVisited = nil end -- stale: later probes must not measure the stack again
  end
  if bp then
    if bp.broken then bp = nil
    elseif bp.cond then
      local ok, v = condition(bp, 3)
      if not ok then report(bp, src, line, 'condition', v); bp = nil
      elseif not v then bp = nil end
    end
    if bp and not hit_ok(bp) then bp = nil end
    if bp and bp.log then
      H.log(message(bp, src, line, 3) .. '\n', ssub(src, 2), line)
      bp = nil
    end
  end
  if S.stepping and S.stepping.pause then
    -- A pause arrived while the condition ran: stop here, as a pause.
    stop_loop('pause', rawrunning(), maxlevel() - 3, nil, nil)
    return
  end
  if not bp and not fid then return end
  stop_loop(bp and 'breakpoint' or 'function breakpoint', rawrunning(), maxlevel() - 3, nil, bp and bp.id or fid)
end

-- The probe instrumented code calls on breakpoint lines as ("")::__llmspell(line, chunkname): it is
-- found through the string metatable, so it is neither a global nor an upvalue of user code.
local function probe(_, line, src)
  if S.inStop or S.evaluating then return end
  local set = S.bps[src]
  if (set and set[line]) or (S.fbps[src] and S.fbps[src][line]) then
    on_line(src, line, false) -- not a tail call: the user's frame stays at level 3 in on_line
  end
end
local PROBES = { __llmspell = probe }
local strings = getmetatable('').__index
if type(strings) == 'table' and getmetatable(strings) == nil then
  setmetatable(strings, { __index = PROBES })
end

-- Guarded probes (kernel/runtime/probe-guard.ts): a conditional breakpoint on locals gets a probe
-- method of its own, called with those locals, that returns at once when the condition is false
-- and otherwise calls on_line (the user's frame stays at level 3 there). A guard is on only while
-- its line's breakpoint has its condition and no function breakpoint shares the line; code loaded
-- with an older guard then takes the general path, which is always right.
local GUARDS = {} -- GUARDS[src][line][method] = { on = {bool}, cond = text }

local function guard_state(src, line, g)
  local set, fset = S.bps[src], S.fbps[src]
  local bp = set and set[line]
  g.on[1] = bp ~= nil and not bp.broken and bp.condsrc == g.cond and not (fset and fset[line])
end

-- Recompute the guards of one line, of one source (line nil) or of all (both nil).
local function refresh_guards(src, line)
  for s, lines in next, GUARDS do
    if src == nil or s == src then
      for l, gs in next, lines do
        if line == nil or l == line then
          for _, g in next, gs do guard_state(s, l, g) end
        end
      end
    end
  end
end

local function add_guard(c)
  local g = { on = { false }, cond = c.cond }
  local loader = load(c.code, I.AGENT, 't', {})
  local ok, f = false, nil
  if loader then ok, f = pcall(loader, mtype, on_line, g.on) end
  -- The general probe takes the same (_, line, src) first: it stands in if the guard did not build.
  PROBES[c.method] = ok and type(f) == 'function' and f or probe
  local lines = GUARDS[c.source] or {}
  GUARDS[c.source] = lines
  lines[c.line] = lines[c.line] or {}
  lines[c.line][c.method] = g
  guard_state(c.source, c.line, g)
end

I.on_line, I.arm, I.add_guard, I.refresh_guards = on_line, arm, add_guard, refresh_guards
