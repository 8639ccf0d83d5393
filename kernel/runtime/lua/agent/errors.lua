-- Errors: error() (exception breakpoints), Lua-style tracebacks without agent frames, the run's handler.
local H, A, I = ...
local S, G, AGENT, HIDDEN_C = I.S, _G, I.AGENT, I.HIDDEN_C
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo = B.getinfo
local getmetatable, rawget, type = B.getmetatable, B.rawget, B.type
local tostring, error = B.tostring, B.error
local sformat, ssub, sfind = B.sformat, B.ssub, B.sfind
local tconcat = B.tconcat
local rawrunning = B.running
local maxlevel, render, stop_loop, apply_all_hooks = I.maxlevel, I.render, I.stop_loop, I.apply_all_hooks

-- Errors ----------------------------------------------------------------------------------------------
local rawerror = error
-- error() stops for the "all exceptions" filter; it is a C function (H.cwrap) like Lua's, so the
-- caller is at level 3 (1 this function, 2 the C trampoline).
G.error = I.cwrap(function(msg, level)
  if S.filters.all and not S.inStop and not (type(msg) == 'table' and msg.__llmspell_exit) then
    local lvl = level == nil and 1 or level
    local shown = msg
    if type(msg) == 'string' and lvl > 0 then
      local info = getinfo(lvl + 2, 'Sl')
      if info and info.currentline and info.currentline > 0 then shown = info.short_src .. ':' .. info.currentline .. ': ' .. msg end
    end
    local info2 = getinfo(3, 'S')
    if info2 and info2.source ~= AGENT then
      S.filters.all_hit = shown
      stop_loop('exception', rawrunning(), maxlevel() - 3, tostring(shown), nil)
    end
  end
  if level == nil then level = 1 end
  if math.type(level) == 'integer' and level > 0 then level = level + 2 end
  rawerror(msg, level)
end)
HIDDEN_C[G.error] = true
local user_error = G.error -- shown in tracebacks as Lua shows its error: "[C]: in function 'error'"

-- debug.traceback without the agent: its frames and the C functions it calls are left out, and
-- below the user's main chunk stands "[C]: in ?" as below the reference interpreter's.
local rawtraceback = debug.traceback
local function clean_traceback(tb, msg)
  local head = msg ~= nil and (tostring(msg) .. '\n') or ''
  if ssub(tb, 1, #head) ~= head then return tb end
  local lines = {}
  for line in string.gmatch(ssub(tb, #head + 1), '[^\n]+') do lines[#lines + 1] = line end
  local out, dropped_after_main = {}, false
  for i, line in ipairs(lines) do
    local agent = ssub(line, 1, 12) == '\t[llmspell]:'
    local next_agent = lines[i + 1] and ssub(lines[i + 1], 1, 12) == '\t[llmspell]:'
    if agent or (ssub(line, 1, 5) == '\t[C]:' and next_agent) then
      if #out > 0 and sfind(out[#out], ': in main chunk$') then dropped_after_main = true end
    else
      out[#out + 1] = line
    end
  end
  if dropped_after_main and sfind(out[#out], ': in main chunk$') then out[#out + 1] = '\t[C]: in ?' end
  -- Only agent frames below the level asked for, in the thread that runs the main chunk: the level
  -- is the reference interpreter's C entry point.
  if #out == 1 and #lines > 1 and rawrunning() == S.MAIN then out[2] = '\t[C]: in ?' end
  return head .. tconcat(out, '\n')
end
debug.traceback = I.cwrap(function(...)
  local co, msg, level
  if type((...)) == 'thread' then co, msg, level = ... else msg, level = ... end
  if msg ~= nil and type(msg) ~= 'string' and type(msg) ~= 'number' then return msg end
  if co ~= nil and co ~= rawrunning() then return clean_traceback(rawtraceback(co, msg, level or 0), msg) end
  -- 1 = this function, 2 = its C trampoline, 3 = the caller (the caller's level 1)
  if math.type(level) ~= 'integer' then level = 1 end
  return clean_traceback(rawtraceback(msg, level + 2), msg)
end)

-- The handler's traceback, as lua.c's message handler writes it (luaL_traceback from the function
-- that raised): the user's frames, C functions named as Lua names them, "[C]: in ?" for the
-- interpreter's entry below the outermost main chunk, and 10 + 11 lines around a skipped middle.
local LEVELS1, LEVELS2 = 10, 11
local function frame_line(info, level)
  if info.source ~= AGENT and info.what ~= 'C' then
    local where = info.short_src .. ':' .. (info.currentline or 0)
    local name
    if info.what == 'main' then name = 'in main chunk'
    elseif I.globalname(info.func) then name = sformat("in function '%s'", I.globalname(info.func))
    elseif info.name then name = sformat("in %s '%s'", info.namewhat ~= '' and info.namewhat or 'function', info.name)
    else name = sformat('in function <%s:%d>', info.short_src, info.linedefined) end
    return where .. ': ' .. name
  elseif info.func == user_error then
    return "[C]: in function 'error'"
  elseif info.what == 'C' and info.name and (not HIDDEN_C[info.func] or HIDDEN_C[info.func] == 'wrap') and level > 2 then
    local g = I.globalname(info.func)
    if g then return sformat("[C]: in function '%s'", g) end
    return sformat("[C]: in %s '%s'", info.namewhat ~= '' and info.namewhat or 'function', info.name)
  end
  return nil
end

local function traceback_lines(level)
  local lines = {}
  local skipped = 0
  while true do
    if #lines == LEVELS1 and skipped == 0 then
      -- A deep stack: count what is left once (each getinfo this deep walks the stack).
      local total = maxlevel() - 1
      while total > level do
        local fi = getinfo(total + 1, 'f')
        if fi and fi.func == A.run_chunk then break end
        total = total - 1
      end
      if total - level > 200 then
        -- (the entry line is one of the last 11; the count shown is Lua's, one less than skipped)
        skipped = total - level - LEVELS2 + 1
        level = level + skipped + 1
        lines[#lines + 1] = sformat('...\t(skipping %d levels)', skipped)
      end
    end
    local info = getinfo(level, 'nSlf')
    if not info then break end
    if info.func == A.run_chunk then
      if #lines > 0 and sfind(lines[#lines], ': in main chunk$') then lines[#lines + 1] = '[C]: in ?' end
      break
    end
    local line = frame_line(info, level)
    if line then lines[#lines + 1] = line end
    level = level + 1
  end
  local n = #lines
  if skipped == 0 and n > LEVELS1 + LEVELS2 + 1 then
    local out = {}
    for i = 1, LEVELS1 do out[i] = lines[i] end
    out[#out + 1] = sformat('...\t(skipping %d levels)', n - LEVELS1 - LEVELS2 - 1)
    for i = n - LEVELS2 + 1, n do out[#out + 1] = lines[i] end
    lines = out
  end
  return lines
end

local function handler(e)
  if type(e) == 'table' and e.__llmspell_exit then S.last_error = { exit = e }; return e end
  local msg
  if type(e) == 'string' then msg = e
  elseif type(e) == 'table' or type(e) == 'userdata' then
    local mt = getmetatable(e)
    if mt and rawget(mt, '__tostring') then msg = tostring(e) else msg = '(error object is a ' .. type(e) .. ' value)' .. (type(e) == 'table' and (' ' .. render(e, 1)) or '') end
  else msg = tostring(e) end
  local interrupted = S.interrupting
  if interrupted then
    S.interrupting = false
    apply_all_hooks()
  end
  local where = getinfo(2, 'Sl')
  local tb = traceback_lines(2)
  S.last_error = { message = msg, traceback = tb, interrupted = interrupted }
  if S.filters.uncaught and not interrupted and not S.inStop and S.filters.all_hit ~= e then
    -- The innermost user frame (skip error()/C functions and the agent's wrappers).
    local lvl = 2
    while true do
      local info = getinfo(lvl, 'Sf')
      if not info or info.func == A.run_chunk then lvl = nil; break end
      if info.source ~= AGENT and info.what ~= 'C' then break end
      lvl = lvl + 1
    end
    if lvl then stop_loop('exception', rawrunning(), maxlevel() - lvl, msg, nil) end
  end
  S.filters.all_hit = nil
  return e
end

I.handler, I.traceback_lines = handler, traceback_lines
