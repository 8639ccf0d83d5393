-- llmspell language server for nvim-lspconfig (the guide's configuration, packaged).
-- require('llmspell.lsp').setup({ on_attach = ..., capabilities = ... })
local M = {}

M.default_config = {
  cmd = { 'llmspell', 'kernel', 'start', '--lsp', '--port', '9557' },
  filetypes = { 'lua', 'javascript' },
  settings = { llmspell = { enableSnippets = true, enableDebug = true } },
}

function M.setup(opts)
  opts = opts or {}
  local ok, lspconfig = pcall(require, 'lspconfig')
  if not ok then
    vim.notify('llmspell: nvim-lspconfig is not installed', vim.log.levels.WARN)
    return
  end
  local configs = require('lspconfig.configs')
  if not configs.llmspell then
    configs.llmspell = {
      default_config = vim.tbl_extend('force', M.default_config, {
        root_dir = lspconfig.util.root_pattern('.llmspell', '.git'),
      }),
    }
  end
  lspconfig.llmspell.setup(opts)
end

return M
