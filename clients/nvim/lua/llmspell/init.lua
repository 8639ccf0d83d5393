-- llmspell for neovim (0.7 and later): the language server (llmspell.lsp), nvim-dap (llmspell.dap),
-- run output (llmspell.run) and the REPL.
--   require('llmspell').setup({
--     lsp = { keymaps = true, omnifunc = true },  -- or false; keymaps/omnifunc are off by default
--     dap = { mode = 'auto' },                    -- or false; needs nvim-dap
--     run_output = 'buffer',                      -- or 'quickfix'
--   })
local M = {}

function M.setup(opts)
  opts = opts or {}
  local command = opts.command or 'llmspell'
  vim.api.nvim_create_user_command('LLMSpellREPL', function(cmd)
    local args = cmd.args ~= '' and (' --kernel ' .. cmd.args) or ''
    vim.cmd('botright split | terminal ' .. command .. ' repl' .. args)
  end, { nargs = '?', desc = 'llmspell REPL (a running kernel: id or HOST:PORT; default the newest)' })
  vim.api.nvim_create_user_command('LLMSpellRun', function()
    require('llmspell.run').run_file({ command = command })
  end, { desc = 'Run the current Lua file; output in the llmspell://run buffer' })
  local result = {}
  if opts.lsp ~= false then
    local lsp_opts = vim.tbl_extend('force', { command = command, run_output = opts.run_output }, opts.lsp or {})
    result.lsp = require('llmspell.lsp').setup(lsp_opts)
  end
  if opts.dap ~= false then
    local dap_opts = vim.tbl_extend('force', { command = command }, opts.dap or {})
    result.dap = require('llmspell.dap').setup(dap_opts)
  end
  return result
end

return M
