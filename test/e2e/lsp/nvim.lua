-- Drives the language server from headless neovim (vim.lsp.start_client with the guide's cmd).
-- Usage: nvim --headless --clean -u NONE -l? (we use -c "luafile nvim.lua"); env LSP_FILE, LSP_OUT.
local common = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/nvimCommon.lua')
local results = {}
local function finish() common.finish(results) end
local ok, err = pcall(function()
  local buf, id = common.open({ enableSnippets = true, enableDebug = true }, { '--port', '9557' })
  results.client = id ~= nil
  local function diags()
    return vim.diagnostic.get(buf)
  end
  results.gotDiagnostics = vim.wait(10000, function() return #diags() > 0 end, 50)
  results.diagnostics = {}
  for _, d in ipairs(diags()) do table.insert(results.diagnostics, { code = d.code, lnum = d.lnum, message = d.message }) end
  local function req(method, params)
    local r = vim.lsp.buf_request_sync(buf, method, params, 5000)
    if not r then return nil end
    for _, v in pairs(r) do return v.result end
  end
  local function pos(line, col) return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col } } end
  -- completion after `Agent.` on line 4 (0-based 3)
  local comp = req('textDocument/completion', pos(3, 6))
  results.completion = {}
  for _, it in ipairs((comp and comp.items) or comp or {}) do table.insert(results.completion, it.filterText or it.label) end
  local hov = req('textDocument/hover', pos(0, 8))
  results.hover = hov and hov.contents and hov.contents.value or ''
  local def = req('textDocument/definition', pos(1, 7))
  results.definition = def and def[1] and def[1].range.start.line or -1
  local p = pos(1, 7)
  p.context = { includeDeclaration = true }
  local refs = req('textDocument/references', p)
  results.references = refs and #refs or 0
  local edit = req('textDocument/rename', vim.tbl_extend('force', pos(0, 8), { newName = 'renamed' }))
  if edit then vim.lsp.util.apply_workspace_edit(edit, 'utf-16') end
  results.afterRename = vim.api.nvim_buf_get_lines(buf, 0, 2, false)
  -- fix the undefined global on line 3 (0-based 2): replace the line
  vim.api.nvim_buf_set_lines(buf, 2, 3, false, { 'print(renamed)' })
  results.cleared = vim.wait(10000, function()
    for _, d in ipairs(diags()) do if d.code == 'undefined-global' then return false end end
    return true
  end, 50)
  vim.lsp.stop_client(id)
  vim.wait(2000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
end)
if not ok then results.error = tostring(err) end
finish()
