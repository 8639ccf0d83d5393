-- The HOST table host modules (Agent, Tool, State, ...) receive: blocking calls to main-thread handlers.
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
local json_encode, json_decode, NULL = I.json_encode, I.json_decode, I.NULL

-- The HOST table host modules receive: blocking calls to main-thread handlers.
local function caller_level()
  local l = 3
  while true do
    local info = getinfo(l, 'Sf')
    if not info or info.func == A.run_chunk then return 0 end
    if info.source ~= AGENT and info.what ~= 'C' then return l - 1 end
    l = l + 1
  end
end
A.HOST = {
  json_encode = json_encode,
  json_decode = json_decode,
  NULL = NULL,
  ARRAY = A.ARRAY,
  -- error level that points at the user's code (for error(msg, HOST.level())).
  level = caller_level,
  call = function(name, args)
    local res, err = H.call(name, json_encode(args))
    if res == nil then
      if err == 'interrupted' then S.interrupting = true end
      error(err, caller_level())
    end
    local v, derr = json_decode(res)
    if derr then error(derr, caller_level()) end
    return v
  end,
  stream = function(name, args, on_chunk)
    local id = H.stream_start(name, json_encode(args))
    while true do
      local more, data = H.stream_next(id)
      if more == nil then
        if data == 'interrupted' then S.interrupting = true end
        error(data, caller_level())
      end
      local v, derr = json_decode(data)
      if derr then error(derr, caller_level()) end
      if not more then return v end
      on_chunk(v)
    end
  end,
}

I.caller_level = caller_level
