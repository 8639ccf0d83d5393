-- The HOST table host modules (Agent, Tool, State, ...) receive: blocking calls to main-thread handlers.
local H, A, I = ...
local S, AGENT = I.S, I.AGENT
local B = I.B -- the standard functions as they were before the agent replaced any
local getinfo = B.getinfo
local error = B.error
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
