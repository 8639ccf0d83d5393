-- llmspell for nvim-dap: the `llmspell` adapter (the kernel's DAP server, port 9556) and the
-- configurations from the guide. Usage: require('llmspell.dap').setup({ port = 9556 })
local M = {}

M.defaults = {
  host = '127.0.0.1',
  port = 9556,
  -- 'server': connect to a running `llmspell kernel start` (the guide's setup);
  -- 'executable': spawn `llmspell dap` on stdio for each session.
  mode = 'server',
  command = 'llmspell',
}

function M.adapter(opts)
  opts = vim.tbl_extend('force', M.defaults, opts or {})
  if opts.mode == 'executable' then
    return { type = 'executable', command = opts.command, args = { 'dap' } }
  end
  return { type = 'server', host = opts.host, port = opts.port }
end

function M.configurations(opts)
  opts = vim.tbl_extend('force', M.defaults, opts or {})
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
      if e.name == c.name then exists = true end
    end
    if not exists then table.insert(dap.configurations.lua, c) end
  end
  return true
end

return M
