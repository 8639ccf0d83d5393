-- Rich display (Jupyter display_data / update_display_data / clear_output).
local H, A, I = ...
local G = _G
local B = I.B -- the standard functions as they were before the agent replaced any
local type = B.type
local tostring, error = B.tostring, B.error
local sformat, sgsub = B.sformat, B.sgsub
local json_encode = I.json_encode

-- Rich display (Jupyter display_data / update_display_data / clear_output) ----------------------------------
local display_n = 0
local function display_send(kind, content, id, update)
  local ck = type(content)
  if kind == 'json' then
    H.display('application/json', json_encode(content), json_encode(content), id, update)
  elseif kind == 'html' then
    local s = tostring(content)
    H.display('text/html', s, (sgsub(s, '<[^>]*>', '')), id, update)
  elseif kind == 'markdown' then
    H.display('text/markdown', tostring(content), tostring(content), id, update)
  elseif kind == 'png' then
    if ck ~= 'string' then error("display.png expects base64 text", 3) end
    H.display('image/png', content, '<image/png>', id, update)
  else
    error("unknown display kind '" .. tostring(kind) .. "' (html, markdown, png or json)", 3)
  end
end
local display = {}
for _, kind in ipairs({ 'html', 'markdown', 'png', 'json' }) do
  display[kind] = function(content)
    display_n = display_n + 1
    local id = sformat('llmspell-%s-%d', H.sessionid(), display_n)
    display_send(kind, content, id, false)
    return id
  end
end
function display.update(id, kind, content)
  if type(id) ~= 'string' then error('display.update expects the id a display function returned', 2) end
  display_send(kind, content, id, true)
end
function display.clear(wait)
  H.clear(wait and true or false)
end
G.display = display
