-- nvim-dap support: the `llmspell` adapter and launch/attach configurations.
--   require('llmspell.dap').setup({ mode = 'auto' })
-- mode 'auto' (default): the DAP port of the newest running kernel (~/.llmspell/kernels) when one
-- runs, else `llmspell dap` (one session on stdio) for launch; 'server': always a DAP server
-- (host/port, default 127.0.0.1:9556); 'executable': always `llmspell dap`.
-- A configuration's own host/port win. The kernel's DAP token is added to the launch/attach
-- arguments when the configuration has none. Works with nvim-dap 0.6 (neovim 0.7) and current.
local registry = require('llmspell.registry')

local M = {}

M.defaults = {
  mode = 'auto',
  command = 'llmspell',
  host = nil,
  port = nil,
  pathMappings = nil,
}

local function options(opts)
  return vim.tbl_extend('force', M.defaults, opts or {})
end

--- The adapter for one configuration: a table nvim-dap understands, or nil and a message.
function M.resolve(opts, config)
  opts = options(opts)
  config = config or {}
  local executable = { type = 'executable', command = opts.command, args = { 'dap' } }
  if opts.mode == 'executable' then
    return executable
  end
  local host = config.host or opts.host
  local port = config.port or opts.port
  if port then
    return { type = 'server', host = host or '127.0.0.1', port = port }
  end
  if opts.mode == 'server' then
    return { type = 'server', host = host or '127.0.0.1', port = 9556 }
  end
  local kernel = registry.dap_kernel()
  if kernel then
    return { type = 'server', host = kernel.ip or '127.0.0.1', port = kernel.ports.dap }
  end
  if config.request == 'attach' then
    return nil, 'llmspell: no kernel is running to attach to (start one: llmspell kernel start)'
  end
  return executable
end

--- nvim-dap's enrich_config: the kernel's DAP token when the configuration names none.
local function enrich(adapter)
  return function(config, on_config)
    if config.token == nil and adapter.type == 'server' then
      local kernel = registry.dap_kernel(adapter.host, adapter.port)
      local token = kernel and registry.dap_token(kernel)
      if token then
        config = vim.tbl_extend('force', config, { token = token })
      end
    end
    on_config(config)
  end
end

--- The value for dap.adapters.llmspell: a function nvim-dap calls for each session.
function M.adapter(opts)
  return function(callback, config)
    local adapter, err = M.resolve(opts, config)
    if not adapter then
      vim.notify(err, vim.log.levels.ERROR)
      return
    end
    adapter.enrich_config = enrich(adapter)
    callback(adapter)
  end
end

function M.configurations(opts)
  opts = options(opts)
  return {
    {
      type = 'llmspell',
      request = 'launch',
      name = 'Launch LLMSpell Script',
      program = '${file}',
      cwd = '${workspaceFolder}',
      stopOnEntry = false,
    },
    {
      type = 'llmspell',
      request = 'launch',
      name = 'Launch LLMSpell Script (stop on entry)',
      program = '${file}',
      cwd = '${workspaceFolder}',
      stopOnEntry = true,
    },
    {
      type = 'llmspell',
      request = 'attach',
      name = 'Attach to LLMSpell kernel',
      pathMappings = opts.pathMappings,
    },
  }
end

--- Registers the adapter and adds the configurations nvim-dap does not have yet (by name).
function M.setup(opts)
  local ok, dap = pcall(require, 'dap')
  if not ok then
    return false
  end
  dap.adapters.llmspell = M.adapter(opts)
  dap.configurations.lua = dap.configurations.lua or {}
  for _, c in ipairs(M.configurations(opts)) do
    local exists = false
    for _, e in ipairs(dap.configurations.lua) do
      if e.name == c.name then
        exists = true
      end
    end
    if not exists then
      table.insert(dap.configurations.lua, c)
    end
  end
  return true
end

return M
