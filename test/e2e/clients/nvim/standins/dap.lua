-- Stand-in for nvim-dap (0.6.0, the line for neovim 0.7, and current; no Debian or npm package),
-- registered in package.loaded by the test driver. Same public shape: dap.adapters[type] is a
-- table or function(callback, config); an adapter table may have enrich_config(config, on_config);
-- dap.configurations[filetype]; dap.run(config). run() expands ${file}/${workspaceFolder}, resolves
-- the adapter as nvim-dap does, then talks DAP for real: spawns an `executable` adapter (stdio) or
-- connects to a `server` (TCP), initialize -> launch/attach -> configurationDone on `initialized`,
-- collecting output events until terminated (launch) or the attach response. dap.sessions() lists
-- what happened, for the test.
local M = { adapters = {}, configurations = {} }
local sessions = {}

function M.sessions()
  return sessions
end

local function expand(config)
  local out = {}
  for k, v in pairs(config) do
    if type(v) == 'string' then
      v = v:gsub('%${file}', vim.fn.expand('%:p')):gsub('%${workspaceFolder}', vim.fn.getcwd())
    end
    out[k] = v
  end
  return out
end

local function session(adapter, config)
  local s = { adapter = adapter, config = config, output = {}, responses = {}, done = false }
  table.insert(sessions, s)
  local seq = 0
  local write
  local function send(command, arguments)
    seq = seq + 1
    local body = vim.fn.json_encode({ seq = seq, type = 'request', command = command, arguments = arguments })
    write('Content-Length: ' .. #body .. '\r\n\r\n' .. body)
  end
  local buffer = ''
  local function on_message(msg)
    if msg.type == 'response' then
      s.responses[msg.command] = { success = msg.success, message = msg.message }
      if msg.command == 'initialize' then
        send(config.request, config)
      elseif msg.command == config.request and (config.request == 'attach' or not msg.success) then
        send('disconnect', { terminateDebuggee = false })
        s.done = true
      end
    elseif msg.type == 'event' then
      if msg.event == 'initialized' then
        send('configurationDone', {})
      elseif msg.event == 'output' then
        table.insert(s.output, msg.body.output)
      elseif msg.event == 'terminated' then
        s.done = true
      end
    end
  end
  local function on_data(data)
    buffer = buffer .. data
    while true do
      local header_end = buffer:find('\r\n\r\n', 1, true)
      if not header_end then
        return
      end
      local len = tonumber(buffer:sub(1, header_end):match('Content%-Length: (%d+)'))
      if #buffer < header_end + 3 + len then
        return
      end
      local body = buffer:sub(header_end + 4, header_end + 3 + len)
      buffer = buffer:sub(header_end + 4 + len)
      on_message(vim.fn.json_decode(body))
    end
  end
  local reader = vim.schedule_wrap(function(err, data)
    if data then
      on_data(data)
    elseif err then
      s.error = tostring(err)
      s.done = true
    end
  end)
  if adapter.type == 'executable' then
    local stdin, stdout = vim.loop.new_pipe(false), vim.loop.new_pipe(false)
    local handle
    handle = vim.loop.spawn(adapter.command, { args = adapter.args, stdio = { stdin, stdout, nil } }, function()
      handle:close()
    end)
    s.handle = handle
    write = function(data)
      stdin:write(data)
    end
    stdout:read_start(reader)
    s.close = function()
      if not handle:is_closing() then
        handle:kill('sigterm')
      end
    end
    send('initialize', { adapterID = 'llmspell', linesStartAt1 = true, columnsStartAt1 = true, pathFormat = 'path' })
  else
    local tcp = vim.loop.new_tcp()
    write = function(data)
      tcp:write(data)
    end
    s.close = function()
      if not tcp:is_closing() then
        tcp:close()
      end
    end
    tcp:connect(adapter.host or '127.0.0.1', adapter.port, vim.schedule_wrap(function(err)
      if err then
        s.error = 'connect ' .. tostring(adapter.host) .. ':' .. tostring(adapter.port) .. ': ' .. err
        s.done = true
        return
      end
      tcp:read_start(reader)
      send('initialize', { adapterID = 'llmspell', linesStartAt1 = true, columnsStartAt1 = true, pathFormat = 'path' })
    end))
  end
end

local function run_adapter(adapter, config)
  if adapter.enrich_config then
    adapter.enrich_config(config, function(c)
      session(adapter, c)
    end)
  else
    session(adapter, config)
  end
end

function M.run(config)
  config = expand(config)
  local adapter = M.adapters[config.type]
  if type(adapter) == 'table' then
    run_adapter(adapter, config)
  elseif type(adapter) == 'function' then
    adapter(function(resolved)
      run_adapter(resolved, config)
    end, config)
  else
    error('dap: no adapter for type ' .. tostring(config.type))
  end
end

package.loaded['dap'] = M
return M
