-- llmspell for neovim: LSP (llmspell.lsp), :LLMSpellREPL. A DAP part (llmspell.dap) is added separately.
local M = {}

function M.setup(opts)
  opts = opts or {}
  vim.api.nvim_create_user_command('LLMSpellREPL', function(cmd)
    local target = cmd.args ~= '' and cmd.args or (opts.kernel or 'localhost:9555')
    vim.cmd('terminal llmspell repl --kernel ' .. target)
  end, { nargs = '?', desc = 'Open the llmspell REPL connected to a running kernel' })
  if opts.lsp ~= false then require('llmspell.lsp').setup(opts.lsp or {}) end
  local has_dap = pcall(require, 'llmspell.dap')
  if has_dap and opts.dap ~= false then require('llmspell.dap').setup(opts.dap or {}) end
end

return M
