-- Drives the language server from headless neovim through a list of steps (JSON in LSP_STEPS):
-- { method, line, character, newName?, apply?, untilFile? }. Each step's raw result is recorded
-- (`untilFile`: asked again, for at most 10 s, until a returned location is in that file); `apply` applies
-- a rename's workspace edit, or the first completion item's textEdit and additionalTextEdits, to
-- the buffer, whose lines are recorded after the step. Positions come from the test (found by text).
local common = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/nvimCommon.lua')
local steps = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('LSP_STEPS')), '\n'))
local results = { steps = {} }
local function finish() common.finish(results) end
local ok, err = pcall(function()
  local buf, id = common.open({ enableSnippets = true })
  results.client = id ~= nil
  results.attached = vim.wait(10000, function()
    local c = vim.lsp.get_client_by_id(id)
    return c ~= nil and c.server_capabilities ~= nil
  end, 50)
  for _, s in ipairs(steps) do
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = s.line, character = s.character },
      newName = s.newName,
      context = { includeDeclaration = true },
    }
    local res = vim.NIL
    local function ask()
      local r = vim.lsp.buf_request_sync(buf, s.method, params, 10000)
      res = vim.NIL
      for _, v in pairs(r or {}) do res = v.result or vim.NIL end
      if not s.untilFile or res == vim.NIL then return s.untilFile == nil end
      for _, l in ipairs(res) do
        if vim.fn.fnamemodify(vim.uri_to_fname(l.uri), ':t') == s.untilFile then return true end
      end
      return false
    end
    if not ask() then vim.wait(10000, ask, 100) end
    local rec = { result = res }
    if s.apply and res ~= vim.NIL then
      if s.method == 'textDocument/rename' then
        vim.lsp.util.apply_workspace_edit(res, 'utf-16')
      else
        local item = (res.items or res)[1]
        local edits = { item.textEdit }
        for _, e in ipairs(item.additionalTextEdits or {}) do table.insert(edits, e) end
        vim.lsp.util.apply_text_edits(edits, buf, 'utf-16')
      end
      rec.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
    end
    table.insert(results.steps, rec)
  end
  vim.lsp.stop_client(id)
  vim.wait(2000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
end)
if not ok then results.error = tostring(err) end
finish()
