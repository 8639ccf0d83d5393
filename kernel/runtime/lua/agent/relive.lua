-- Late breakpoints: re-instrument the live functions of an already loaded chunk (see ARCHITECTURE.md).
local H, A, I = ...
local S, G = I.S, _G
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo, getlocal, setlocal = B.getinfo, B.getlocal, B.setlocal
local getupvalue, setupvalue = B.getupvalue, B.setupvalue
local rawget, rawset, next, type = B.rawget, B.rawset, B.next, B.type
local load = B.load
local srep, smatch = B.srep, B.smatch
local tconcat = B.tconcat
local rawrunning, rawstatus = B.running, B.status
local getuservalue, upvaluejoin, getregistry, dgetmetatable = debug.getuservalue, debug.upvaluejoin, debug.getregistry, debug.getmetatable

-- A breakpoint set on a chunk that already ran has no probe in the chunk's live functions. Instead of
-- watching every line with a hook, the agent compiles a probed copy of each function that contains a
-- changed breakpoint line (kernel/runtime/breakpoints.ts sends the text: the function from its '('
-- to its `end`, on the same lines), gives each copy the upvalues of the live closure it replaces
-- (debug.upvaluejoin, by name), and replaces every reference to the old closure it can reach from
-- the registry: table keys and values, upvalues, metatables, user values, and the locals of every
-- thread's frames. Code runs at full speed again; removing the breakpoint does the same in reverse.
-- A frame of an old closure (or the chunk's main function) that is running right now keeps its
-- code until it returns: its breakpoint lines fall back to the line hook.

local function is_name(s) return type(s) == 'string' and smatch(s, '^[%a_][%w_]*$') ~= nil end

-- The live closures of `src` that match one of the functions in `descs`, and every place that
-- refers to one of them.
local function scan(src, descs)
  local targets, refs, active = {}, {}, {}
  local seen = {}
  local work, n = {}, 0
  local function push(v)
    local t = type(v)
    if (t == 'table' or t == 'function' or t == 'thread' or t == 'userdata') and not seen[v] then
      seen[v] = true
      n = n + 1
      work[n] = v
    end
  end
  local function match(f)
    local info = getinfo(f, 'S')
    if info.source ~= src then return nil end
    for _, d in ipairs(descs) do
      if info.lastlinedefined == d.last and (info.linedefined == d.def or info.linedefined == d.line) then return d end
    end
    return nil
  end
  local running = rawrunning()
  -- The running thread's frames (levels as seen by scan's caller are level - 1).
  local level = 2
  while true do
    local info = getinfo(level, 'fS')
    if not info then break end
    local f = info.func
    if info.source == src then info.co = running; active[#active + 1] = info end
    push(f)
    local i = 1
    while true do
      local name, v = getlocal(level, i)
      if name == nil then break end
      push(v)
      if type(v) == 'function' then refs[#refs + 1] = { 'local', level - 1, i, v } end
      i = i + 1
    end
    level = level + 1
  end
  push(getregistry())
  while n > 0 do
    local v = work[n]
    work[n] = nil
    n = n - 1
    local t = type(v)
    if t == 'table' then
      for k, x in next, v do
        push(k)
        push(x)
        if type(x) == 'function' then refs[#refs + 1] = { 'value', v, k, x } end
        if type(k) == 'function' then refs[#refs + 1] = { 'key', v, k, k } end
      end
      push(dgetmetatable(v))
    elseif t == 'function' then
      local d = match(v)
      if d then targets[v] = d end
      local i = 1
      while true do
        local name, x = getupvalue(v, i)
        if name == nil then break end
        push(x)
        if type(x) == 'function' then refs[#refs + 1] = { 'upvalue', v, i, x } end
        i = i + 1
      end
    elseif t == 'thread' then
      if v ~= running then
        local lv = 0
        while true do
          local info = getinfo(v, lv, 'fS')
          if not info then break end
          if info.source == src then info.co = v; active[#active + 1] = info end
          push(info.func)
          local i = 1
          while true do
            local name, x = getlocal(v, lv, i)
            if name == nil then break end
            push(x)
            if type(x) == 'function' then refs[#refs + 1] = { 'thread', v, lv, i, x } end
            i = i + 1
          end
          lv = lv + 1
        end
      end
    else -- userdata
      push(dgetmetatable(v))
      for i = 1, 16 do
        local x, ok = getuservalue(v, i)
        if ok == false then break end
        push(x)
      end
    end
  end
  return targets, refs, active
end

-- A probed copy of closure f from description d, sharing f's upvalues; nil when they do not match.
local function copy(f, d)
  local names = {}
  local i = 1
  while true do
    local name = getupvalue(f, i)
    if name == nil then break end
    if not is_name(name) then return nil end
    names[i] = name
    i = i + 1
  end
  local key = tconcat(names, ',')
  d.chunks = d.chunks or {}
  local chunk = d.chunks[key]
  if chunk == nil then
    local header = #names > 0 and ('local ' .. key .. ';') or ''
    chunk = load(srep('\n', d.line - 1) .. header .. 'return function' .. d.text, d.source, 't', G) or false
    d.chunks[key] = chunk
  end
  if not chunk then return nil end
  local nf = chunk()
  local index = {}
  for k, name in ipairs(names) do index[name] = k end
  i = 1
  while true do
    local name = getupvalue(nf, i)
    if name == nil then break end
    local k = index[name]
    if not k then return nil end
    upvaluejoin(nf, i, f, k)
    i = i + 1
  end
  return nf
end

-- Re-instrument the live functions of c.source described in c.functions; c.lines are all the
-- breakpoint lines of the source, c.late those outside every function (the main chunk's own).
function A.relive(c)
  local src, descs = c.source, {}
  for _, d in ipairs(c.functions or {}) do d.source = src; descs[#descs + 1] = d end
  local lines = c.lines or {}
  if #descs == 0 and #(c.late or {}) == 0 then return end
  local targets, refs, active = scan(src, descs)
  local new = {}
  for f, d in next, targets do new[f] = copy(f, d) or nil end
  for _, r in ipairs(refs) do
    local kind = r[1]
    if kind == 'local' then
      local nf = new[r[4]]
      if nf then setlocal(r[2], r[3], nf) end
    elseif kind == 'value' then
      local nf = new[r[4]]
      if nf and rawget(r[2], r[3]) == r[4] then rawset(r[2], r[3], nf) end
    elseif kind == 'key' then
      local nf = new[r[4]]
      if nf then
        local v = rawget(r[2], r[4])
        rawset(r[2], r[4], nil)
        rawset(r[2], nf, v)
      end
    elseif kind == 'upvalue' then
      local nf = new[r[4]]
      if nf then setupvalue(r[2], r[3], nf) end
    elseif kind == 'thread' then
      local nf = new[r[5]]
      if nf then setlocal(r[2], r[3], r[4], nf) end
    end
  end
  -- Frames running old code keep it until they return: watch their breakpoint lines with the hook,
  -- and remember the frames so the hook goes when they have returned (I.late_sweep).
  local late = S.late[src]
  for _, info in ipairs(active) do
    for _, line in ipairs(lines) do
      if (info.what == 'main' or (line >= info.linedefined and line <= info.lastlinedefined)) and S.bps[src] and S.bps[src][line] then
        late = late or {}
        late[line] = true
        local frames = S.lateFrames[src] or {}
        S.lateFrames[src] = frames
        frames[#frames + 1] = { co = info.co, f = info.func }
      end
    end
  end
  if late and next(late) then
    S.late[src] = late
    S.lateAny = true
    I.apply_all_hooks()
  end
end

-- Is function f running in thread co (any level)?
local function on_stack(co, f)
  if rawstatus(co) == 'dead' then return false end
  local lv = 0
  while true do
    local info = getinfo(co, lv, 'f')
    if not info then return false end
    if info.func == f then return true end
    lv = lv + 1
  end
end

-- Drop the late lines of sources whose old frames have all returned (called by the hook every
-- LATE_SWEEP line events and when a run starts), so the line hook lasts only as long as they run.
function I.late_sweep()
  for src, frames in next, S.lateFrames do
    local alive = false
    for _, fr in ipairs(frames) do
      if on_stack(fr.co, fr.f) then alive = true; break end
    end
    if not alive then
      S.lateFrames[src] = nil
      S.late[src] = nil
    end
  end
  S.lateAny = next(S.late) ~= nil
end
