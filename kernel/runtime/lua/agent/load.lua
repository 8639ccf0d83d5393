-- Loading code: load, loadfile, dofile, require's Lua searcher, package.searchpath.
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

-- Loading code --------------------------------------------------------------------------------------
-- All user code is loaded through loadsource: H.prepare instruments breakpoint lines and registers the source.
local function loadsource(code, chunkname, env)
  local text, fmap = H.prepare(code, chunkname)
  if fmap then
    local set = S.fbps[chunkname] or {}
    S.fbps[chunkname] = set
    for k, v in next, fmap do set[tonumber(k)] = v end
  end
  return load(text, chunkname, 't', env or G)
end
A.loadsource = loadsource
G.load = function(chunk, chunkname, mode, env)
  if type(chunk) == 'string' and ssub(chunk, 1, 4) ~= '\27Lua' and (chunkname == nil or ssub(chunkname, 1, 1) == '@' or ssub(chunkname, 1, 1) == '=') then
    if env ~= nil then return loadsource(chunk, chunkname or ('=(load)'), env) end
    return loadsource(chunk, chunkname or ('=(load)'))
  end
  if env ~= nil then return load(chunk, chunkname, mode, env) end
  return load(chunk, chunkname, mode)
end
G.loadstring = nil
G.loadfile = function(path, mode, env)
  if path == nil then return nil, 'loadfile from stdin is not supported' end
  local code, err = H.readfile(path)
  if not code then return nil, err end
  return loadsource(code, '@' .. H.abspath(path), env)
end
G.dofile = function(path)
  local f, err = G.loadfile(path)
  if not f then error(err, 2) end
  return f()
end
package.searchers[2] = function(name)
  local path, tried = H.searchpath(name, package.path)
  if not path then return '\n\t' .. tried end
  local code, err = H.readfile(path)
  if not code then error(err) end
  local f, lerr = loadsource(code, '@' .. path)
  if not f then error(sformat("error loading module '%s' from file '%s':\n\t%s", name, path, lerr)) end
  return f, path
end
package.searchers[3] = nil
package.searchers[4] = nil
package.searchpath = function(name, path, sep, rep)
  return H.searchpath(name, path, sep, rep)
end

I.loadsource = loadsource
