-- Shared by the LSP drivers in this folder (nvim.lua, nvimSteps.lua): the results written as JSON
-- to LSP_OUT before neovim quits, and LSP_FILE opened with the language server attached through
-- the guide's cmd (`llmspell kernel start --lsp`, plus `extra` arguments).
local M = {}

function M.finish(results)
  local f = io.open(os.getenv('LSP_OUT'), 'w')
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd('qall!')
end

function M.open(settings, extra)
  local file = os.getenv('LSP_FILE')
  vim.cmd('edit ' .. file)
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'lua'
  local cmd = { 'llmspell', 'kernel', 'start', '--lsp' }
  for _, a in ipairs(extra or {}) do table.insert(cmd, a) end
  local id = vim.lsp.start_client({
    name = 'llmspell',
    cmd = cmd,
    root_dir = vim.fn.fnamemodify(file, ':h'),
    settings = { llmspell = settings },
  })
  if id then vim.lsp.buf_attach_client(buf, id) end
  return buf, id
end

return M
