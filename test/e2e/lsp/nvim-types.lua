-- Drives type-engine features of the language server from headless neovim: hover of a table
-- value, signature help of a std lib call and definition across files (a `---@module` local).
-- Positions are found by text in the buffer. Env: LSP_FILE (main.lua of a workspace), LSP_OUT.
local file = os.getenv('LSP_FILE')
local out = os.getenv('LSP_OUT')
local results = {}
local function finish()
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd('qall!')
end
local ok, err = pcall(function()
  vim.cmd('edit ' .. file)
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'lua'
  local id = vim.lsp.start_client({
    name = 'llmspell',
    cmd = { 'llmspell', 'kernel', 'start', '--lsp' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  })
  results.client = id ~= nil
  vim.lsp.buf_attach_client(buf, id)
  results.ready = vim.wait(10000, function()
    local c = vim.lsp.get_client_by_id(id)
    return c ~= nil and c.initialized == true
  end, 50)
  -- the 0-based line and column of `needle` in the buffer, plus `shift` columns
  local function at(needle, shift)
    for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
      local s = line:find(needle, 1, true)
      if s then
        return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = i - 1, character = s - 1 + (shift or 0) } }
      end
    end
    error('not in the buffer: ' .. needle)
  end
  local function req(method, params)
    local r = vim.lsp.buf_request_sync(buf, method, params, 5000)
    if not r then return nil end
    for _, v in pairs(r) do return v.result end
  end
  local hov = req('textDocument/hover', at('local tbl', 7))
  results.hover = hov and hov.contents and hov.contents.value or ''
  local sig = req('textDocument/signatureHelp', at('pairs(', 6))
  local s = sig and sig.signatures and sig.signatures[1]
  results.signature = s and s.label or ''
  results.activeParameter = sig and (sig.activeParameter or (s and s.activeParameter)) or -1
  -- the workspace file conf.lua is indexed in the background: ask until it is found (bounded)
  results.definition = {}
  vim.wait(10000, function()
    local def = req('textDocument/definition', at('local cfg', 7)) or {}
    results.definition = {}
    for _, l in ipairs(def) do table.insert(results.definition, vim.fn.fnamemodify(vim.uri_to_fname(l.uri), ':t') .. ':' .. l.range.start.line) end
    for _, d in ipairs(results.definition) do if d:find('^conf%.lua') then return true end end
    return false
  end, 100)
  vim.lsp.stop_client(id)
  vim.wait(2000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
end)
if not ok then results.error = tostring(err) end
finish()
