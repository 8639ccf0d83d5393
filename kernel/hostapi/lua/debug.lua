local HOST = ...
local call, level = HOST.call, HOST.level
local getinfo = debug.getinfo
local function send(lvl, ...)
  local n = select('#', ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  local l = level()
  local info = l > 0 and getinfo(l, 'Sl') or nil
  local where = info and (info.short_src .. ':' .. tostring(info.currentline)) or nil
  call('debug.log', { level = lvl, message = table.concat(parts, '\t'), where = where })
end
Debug = {}
function Debug.log(...) send('debug', ...) end
function Debug.debug(...) send('debug', ...) end
function Debug.trace(...) send('trace', ...) end
function Debug.info(...) send('info', ...) end
function Debug.warn(...) send('warn', ...) end
function Debug.error(...) send('error', ...) end
