-- Loading code: load, loadfile, dofile, require's Lua searcher, package.searchpath.
local H, A, I = ...
local S, G = I.S, _G
local B = I.B -- the standard functions as they were before the agent replaced any
local type, select = B.type, B.select
local tostring, tonumber, pcall, error, load = B.tostring, B.tonumber, B.pcall, B.error, B.load
local sformat, ssub, sfind, smatch = B.sformat, B.ssub, B.sfind, B.smatch

-- Loading code --------------------------------------------------------------------------------------
-- Chunks stay Lua strings (bytes) from the file or the caller to the parser. Text chunks named
-- '@...' pass through H.prepare (a raw C function), which registers the source and returns the text
-- with probes on breakpoint lines (nil when nothing changes).
local cwrap, rethrow = I.cwrap, I.rethrow
local function prepared(code, chunkname)
  if type(chunkname) ~= 'string' or ssub(chunkname, 1, 1) ~= '@' or ssub(code, 1, 1) == '\27' then return code end
  local text, fmap = H.prepare(code, chunkname)
  if fmap then
    local key = I.source_key(chunkname)
    local set = S.fbps[key] or {}
    S.fbps[key] = set
    for l, id in string.gmatch(fmap, '(%d+)=(%d+)') do set[tonumber(l)] = tonumber(id) end
  end
  return text or code
end

-- Lua's load: same arguments and defaults (the chunk itself names a string chunk; an explicit nil
-- env is an env); only the text of a '@' chunk can change (probes on the same lines).
local function lload(chunk, chunkname, mode, ...)
  if type(chunk) == 'string' then chunk = prepared(chunk, chunkname) end
  if select('#', ...) > 0 then return load(chunk, chunkname, mode, (...)) end
  return load(chunk, chunkname, mode)
end
local function loadsource(code, chunkname, env)
  return lload(code, chunkname, 't', env or G)
end
A.loadsource = loadsource
-- A message load itself makes (luaL_where(L, 1): "reader function must return a string") names
-- the position of load's caller, not the agent's: 1 here, 2 pcall, 3 the agent function, 4 its
-- trampoline, 5 the caller.
local function load_where(f, ...)
  if f == nil and type((...)) == 'string' then
    local msg, n = B.sgsub((...), '^%[llmspell%]:%d+: ', '', 1)
    if n > 0 then
      local ar = B.getinfo(5, 'Sl')
      if ar and ar.currentline > 0 then msg = sformat('%s:%d: %s', ar.short_src, ar.currentline, msg) end
      return nil, msg
    end
  end
  return f, ...
end
local function uload(...) return load_where(lload(...)) end
G.load = cwrap(function(...) return rethrow(2, pcall(uload, ...)) end)
G.loadstring = nil

-- What luaL_loadfilex does with a file's bytes: skip a UTF-8 BOM and a first line starting with
-- '#' (keeping its newline so line numbers stay, unless the rest is a binary chunk).
local function file_chunk(bytes)
  if ssub(bytes, 1, 3) == '\239\187\191' then bytes = ssub(bytes, 4) end
  if ssub(bytes, 1, 1) == '#' then
    local nl = sfind(bytes, '\n', 1, true)
    bytes = nl and ssub(bytes, nl + 1) or ''
    if ssub(bytes, 1, 1) ~= '\27' then bytes = '\n' .. bytes end
  end
  return bytes
end
I.file_chunk = file_chunk

local function lloadfile(path, mode, ...)
  if path == nil then return nil, 'loadfile from stdin is not supported in llmspell' end
  local code, err = H.readfile(path)
  if not code then return nil, err end
  return lload(file_chunk(code), '@' .. path, mode, ...)
end
G.loadfile = cwrap(function(...) return rethrow(2, pcall(lloadfile, ...)) end)
-- The chunk may yield (dofile is yieldable in Lua): the wrapper has a continuation.
G.dofile = cwrap(function(...)
  local path = ...
  local f, err = rethrow(3, pcall(lloadfile, path))
  if not f then error(err, 0) end
  return f()
end, false, true)

-- package.searchpath and require's Lua searcher, as Lua's own (messages included).
local function isstr(v) return type(v) == 'string' or type(v) == 'number' end
package.searchpath = cwrap(function(...)
  local n = select('#', ...)
  local name, path, sep, rep = ...
  if not isstr(name) then I.typeerror(1, 'string', n, name) end
  if not isstr(path) then I.typeerror(2, 'string', n, path) end
  if sep ~= nil and not isstr(sep) then I.typeerror(3, 'string', n, sep) end
  if rep ~= nil and not isstr(rep) then I.typeerror(4, 'string', n, rep) end
  return H.searchpath(tostring(name), tostring(path), sep ~= nil and tostring(sep) or nil, rep ~= nil and tostring(rep) or nil)
end)
package.searchers[2] = cwrap(function(name)
  local path = package.path
  if type(path) ~= 'string' and type(path) ~= 'number' then error("'package.path' must be a string", 0) end
  local filename, tried = H.searchpath(name, tostring(path))
  if not filename then return tried end
  local code = H.readfile(filename)
  local f, lerr
  if code then f, lerr = lload(file_chunk(code), '@' .. filename) else lerr = 'cannot open ' .. filename end
  if not f then error(sformat("error loading module '%s' from file '%s':\n\t%s", name, filename, lerr), 0) end
  return f, filename
end)
-- C modules cannot be loaded in wasmoon: the C searchers look along package.cpath as Lua's do (same
-- messages when nothing is found) and raise a clear error when they find a library.
local function csearch(name, modname)
  local cpath = package.cpath
  if not isstr(cpath) then error("'package.cpath' must be a string", 0) end
  local filename, tried = H.searchpath(name, tostring(cpath))
  if not filename then return tried end
  error(sformat("error loading module '%s' from file '%s':\n\tC modules cannot be loaded in llmspell (Lua runs in WebAssembly)", modname, filename), 0)
end
package.searchers[3] = cwrap(function(name) return csearch(name, name) end)
package.searchers[4] = cwrap(function(name)
  local root = smatch(name, '^([^.]*)%.')
  if not root then return nil end
  return csearch(root, name)
end)

I.loadsource = loadsource
I.lload = lload
