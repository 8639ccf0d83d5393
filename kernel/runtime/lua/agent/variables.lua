-- Requests served while stopped: threads, stack, scopes, variables, setVariable, evaluate, completions.
local H, A, I = ...
local S, CO, G = I.S, I.CO, _G
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo = B.getinfo
local getupvalue, setupvalue = B.getupvalue, B.setupvalue
local getmetatable, rawget, rawset, next, type, select = B.getmetatable, B.rawget, B.rawset, B.next, B.type, B.select
local tonumber, pcall, load = B.tonumber, B.pcall, B.load
local sformat, ssub, smatch = B.sformat, B.ssub, B.smatch
local tsort = B.tsort
local rawstatus = B.status
local STD, R, co_id, maxlevel = I.STD, I.R, I.co_id, I.maxlevel
local describe, eval_in, newref, frame_env, visible_names = I.describe, I.eval_in, I.newref, I.frame_env, I.visible_names
local ffunc, fgetlocal, fsetlocal = I.ffunc, I.fgetlocal, I.fsetlocal
local is_ident, key_repr, render, sorted_keys = I.is_ident, I.key_repr, I.render, I.sorted_keys

-- Requests served while stopped.
function A.stacktrace(id, threadid)
  local outl = {}
  local list = S.stack or {}
  if threadid and S.stacks then list = S.stacks[threadid] or {} end
  for i, f in ipairs(list) do
    local fr = R.frames[f[1]]
    outl[i] = { id = f[1], name = f[2], source = f[3], line = f[4], kind = f[5] }
    if fr and fr.abs then
      local level = maxlevel() - fr.abs - 1
      local info = getinfo(level + 1, 'l')
      if info then outl[i].line = info.currentline end
    end
  end
  H.reply(id, outl)
end

function A.scopes(id, frameid)
  local fr = R.frames[frameid]
  if not fr then return H.reply(id, nil, 'unknown frame') end
  local res = {
    { name = 'Locals', kind = 'locals', ref = newref({ __scope = 'locals', fr = fr }) },
    { name = 'Upvalues', kind = 'upvalues', ref = newref({ __scope = 'upvalues', fr = fr }) },
    { name = 'Globals', kind = 'globals', ref = newref({ __scope = 'globals', fr = fr }) },
  }
  H.reply(id, res)
end

local function var(name, v, evalname)
  local shown, t, ref = describe(v)
  return { name = name, value = shown, type = t, ref = ref, evaluateName = evalname }
end

local function scope_vars(sc)
  local fr = sc.fr
  local res = {}
  if sc.__scope == 'locals' then
    local seen = {}
    local i = 1
    local items = {}
    while true do
      local n, v = fgetlocal(fr, i)
      if not n then break end
      if ssub(n, 1, 1) ~= '(' and ssub(n, 1, 10) ~= '__llmspell' then items[#items + 1] = { n, v, i } end
      i = i + 1
    end
    for j = #items, 1, -1 do
      local n = items[j][1]
      if not seen[n] then seen[n] = true else items[j].shadowed = true end
    end
    for _, it in ipairs(items) do
      local name = it.shadowed and (it[1] .. ' (shadowed)') or it[1]
      res[#res + 1] = var(name, it[2], not it.shadowed and it[1] or nil)
    end
    local va, k = {}, 1
    while true do
      local n, v = fgetlocal(fr, -k)
      if not n then break end
      va[k] = v
      k = k + 1
    end
    if k > 1 then
      va.n = k - 1
      local r = newref({ __varargs = va })
      res[#res + 1] = { name = '...', value = sformat('(%d values)', k - 1), type = 'varargs', ref = r, evaluateName = '...' }
    end
  elseif sc.__scope == 'upvalues' then
    local func = ffunc(fr)
    local i = 1
    while func do
      local n, v = getupvalue(func, i)
      if not n then break end
      if n ~= '_ENV' and ssub(n, 1, 10) ~= '__llmspell' then res[#res + 1] = var(n, v, n) end
      i = i + 1
    end
  elseif sc.__scope == 'globals' then
    local keys = sorted_keys(G, 10000)
    local std = {}
    for _, k in ipairs(keys) do
      if STD[k] then std[#std + 1] = k
      elseif type(k) ~= 'string' or ssub(k, 1, 9) ~= '__llmspel' then
        res[#res + 1] = var(key_repr(k), rawget(G, k), is_ident(k) and k or nil)
      end
    end
    local stdt = {}
    for _, k in ipairs(std) do stdt[k] = rawget(G, k) end
    res[#res + 1] = { name = '[standard library]', value = sformat('(%d names)', #std), type = 'table', ref = newref(stdt) }
  end
  return res
end

function A.variables(id, ref)
  local v = R.refs[ref]
  if v == nil then return H.reply(id, nil, 'unknown variables reference') end
  local res = {}
  if type(v) == 'table' and v.__scope then
    res = scope_vars(v)
  elseif type(v) == 'table' and v.__varargs then
    for i = 1, v.__varargs.n do res[i] = var('[' .. i .. ']', v.__varargs[i], 'select(' .. i .. ', ...)') end
  elseif type(v) == 'table' then
    local keys = sorted_keys(v, 1000)
    for _, k in ipairs(keys) do res[#res + 1] = var(key_repr(k), rawget(v, k)) end
    local mt = getmetatable(v)
    if mt ~= nil then res[#res + 1] = var('[metatable]', mt) end
  elseif type(v) == 'function' then
    local i = 1
    while true do
      local n, uv = getupvalue(v, i)
      if not n then break end
      res[#res + 1] = var(n == '' and ('[upvalue ' .. i .. ']') or n, uv)
      i = i + 1
    end
    local info = getinfo(v, 'S')
    res[#res + 1] = { name = '[source]', value = sformat('%s:%d', info.short_src, info.linedefined), type = 'string', ref = 0 }
  elseif type(v) == 'userdata' then
    res[#res + 1] = var('[metatable]', getmetatable(v))
  elseif type(v) == 'thread' then
    res[#res + 1] = { name = '[status]', value = rawstatus(v), type = 'string', ref = 0 }
  end
  H.reply(id, res)
end

local function parse_key(name)
  local inner = smatch(name, '^%[(.*)%]$')
  if inner then
    local n = tonumber(inner)
    if n then return n end
    local s = smatch(inner, '^"(.*)"$')
    if s then return s end
    if inner == 'true' then return true elseif inner == 'false' then return false end
    return inner
  end
  return name
end

function A.setvariable(id, ref, name, expr)
  local target = R.refs[ref]
  if target == nil then return H.reply(id, nil, 'unknown variables reference') end
  local fr = type(target) == 'table' and target.fr or R.frames[S.stack and S.stack[1] and S.stack[1][1]]
  local ok, v = eval_in(expr, fr)
  if not ok then return H.reply(id, nil, v) end
  if type(target) == 'table' and target.__scope == 'locals' then
    local idx
    local i = 1
    while true do
      local n = fgetlocal(target.fr, i)
      if not n then break end
      if n == name then idx = i end
      i = i + 1
    end
    if not idx then return H.reply(id, nil, 'no local named ' .. name) end
    fsetlocal(target.fr, idx, v)
  elseif type(target) == 'table' and target.__scope == 'upvalues' then
    local f = ffunc(target.fr)
    local i, done = 1, false
    while true do
      local n = getupvalue(f, i)
      if not n then break end
      if n == name then setupvalue(f, i, v); done = true end
      i = i + 1
    end
    if not done then return H.reply(id, nil, 'no upvalue named ' .. name) end
  elseif type(target) == 'table' and target.__scope == 'globals' then
    rawset(G, parse_key(name), v)
  elseif type(target) == 'table' and not target.__varargs then
    rawset(target, parse_key(name), v)
  else
    return H.reply(id, nil, 'this value cannot be changed')
  end
  local shown, t, r = describe(v)
  H.reply(id, { value = shown, type = t, ref = r })
end

function A.evaluate(id, expr, frameid)
  local fr = frameid and R.frames[frameid] or nil
  if frameid and frameid ~= 0 and not fr then return H.reply(id, nil, 'unknown frame') end
  if fr == nil and S.stack and S.stack[1] and (frameid == nil) then fr = R.frames[S.stack[1][1]] end
  local ok, v, n = eval_in(expr, fr)
  if not ok then return H.reply(id, nil, v) end
  if n == 0 then return H.reply(id, { value = '', type = 'nil', ref = 0 }) end
  local shown, t, r = describe(v)
  if t == 'table' then shown = render(v, 2) end
  H.reply(id, { value = shown, type = t, ref = r })
end

function A.completions(id, text, frameid)
  local fr = frameid and R.frames[frameid] or (S.stack and S.stack[1] and R.frames[S.stack[1][1]]) or nil
  local res = A.complete_names(text, fr and frame_env(fr) or nil, fr)
  H.reply(id, res)
end

-- Names for completion: "a.b.c" -> members of a.b starting with c; bare word -> locals/upvalues/globals.
function A.complete_names(text, env, fr)
  local base, sep, partial = smatch(text, '^(.-)([%.:])([%w_]*)$')
  local res, seen = {}, {}
  local function add(k) if type(k) == 'string' and not seen[k] and ssub(k, 1, 9) ~= '__llmspel' then seen[k] = true; res[#res + 1] = k end end
  if base and base ~= '' then
    local f = load('return ' .. base, '=(complete)', 't', env or G)
    if not f then return res end
    local ok, v = I.guarded_pcall(f)
    if not ok then return res end
    local function members(t, depth)
      if depth > 3 then return end
      if type(t) == 'table' then
        for k in next, t do if type(k) == 'string' and ssub(k, 1, #partial) == partial and is_ident(k) then add(k) end end
      end
      local mt = getmetatable(t)
      if type(mt) == 'table' and type(rawget(mt, '__index')) == 'table' then members(rawget(mt, '__index'), depth + 1) end
    end
    if type(v) == 'string' then v = string end
    members(v, 0)
  else
    partial = smatch(text, '([%w_]*)$') or ''
    if fr then
      local names = visible_names(fr)
      for k in next, names do if ssub(k, 1, #partial) == partial then add(k) end end
    end
    for k in next, G do if type(k) == 'string' and ssub(k, 1, #partial) == partial then add(k) end end
    for _, kw in ipairs({ 'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'goto', 'if', 'in',
      'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while' }) do
      if ssub(kw, 1, #partial) == partial then add(kw) end
    end
  end
  tsort(res)
  return res
end

function A.threads(id)
  local res = { { id = 1, name = 'main' } }
  for d = 2, CO[1] do
    local co = CO[d + 1]
    if co then res[#res + 1] = { id = co_id(co), name = 'coroutine ' .. co_id(co) } end
  end
  H.reply(id, res)
end
