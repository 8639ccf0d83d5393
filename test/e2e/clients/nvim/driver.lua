-- Headless neovim driver for test/e2e/clients/nvim.test.ts. Env:
--   NVIM_SCENARIO  lsp | defaults | dap
--   NVIM_OUT       where to write the JSON results
--   NVIM_SNIPPET   a Lua file to run first (a README snippet, or the module's setup call)
--   NVIM_STANDINS  comma list of plugin stand-ins to register (lspconfig, dap)
--   NVIM_FILES     comma list of Lua files the scenario opens
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h')
local results = { version = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) }
local out = os.getenv('NVIM_OUT')
local files = vim.split(os.getenv('NVIM_FILES') or '', ',', { trimempty = true })

local function finish()
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd('qall!')
end

local function clients(buf)
  local list = {}
  if vim.lsp.get_clients then
    list = vim.lsp.get_clients({ bufnr = buf })
  else
    for _, c in pairs(vim.lsp.buf_get_clients(buf)) do
      table.insert(list, c)
    end
  end
  return list
end

local function request(buf, method, params)
  local r = vim.lsp.buf_request_sync(buf, method, params, 10000)
  for _, v in pairs(r or {}) do
    return v.result
  end
end

local function pos_of(buf, text)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(text, 1, true)
    if col then
      return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = i - 1, character = col - 1 } }
    end
  end
  error('text not found: ' .. text)
end

local function buffer_local_map(lhs)
  local m = vim.fn.maparg(lhs, 'n', false, true)
  return type(m) == 'table' and m.buffer == 1
end

local scenarios = {}

-- Attach, what the buffer got (omnifunc, keymaps), hover; with NVIM_CODELENS, the "Run file" code
-- lens into the scratch buffer and :LLMSpellRun of a failing file into the quickfix list.
function scenarios.lsp()
  vim.cmd('edit ' .. files[1])
  local buf = vim.api.nvim_get_current_buf()
  results.attached = vim.wait(30000, function()
    return #clients(buf) > 0
  end, 50)
  results.clientNames = {}
  for _, c in ipairs(clients(buf)) do
    table.insert(results.clientNames, c.name)
  end
  results.diagnostics = vim.wait(20000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 50)
  results.omnifunc = vim.bo[buf].omnifunc
  results.keymapK = buffer_local_map('K')
  results.keymapGd = buffer_local_map('gd')
  local hover = request(buf, 'textDocument/hover', pos_of(buf, 'message'))
  results.hover = hover and hover.contents and (hover.contents.value or hover.contents) or ''
  if os.getenv('NVIM_CODELENS') ~= '1' then
    return
  end
  local function lenses()
    if vim.lsp.codelens.enable then -- 0.12: enabled on attach by the module
      return vim.lsp.codelens.get({ bufnr = buf })
    end
    return vim.lsp.codelens.get(buf)
  end
  if not vim.lsp.codelens.enable then
    vim.lsp.codelens.refresh()
  end
  results.lenses = vim.wait(20000, function()
    return #lenses() > 0
  end, 50)
  -- two lenses on line 1 ("Run file", "Debug file"): codelens.run() asks vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    for i, item in ipairs(items) do
      local label = opts.format_item and opts.format_item(item) or tostring(item)
      if tostring(label):find('Run file', 1, true) then
        return on_choice(item, i)
      end
    end
    on_choice(nil)
  end
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.lsp.codelens.run()
  results.runBuffer = vim.wait(30000, function()
    local b = vim.fn.bufnr('llmspell://run')
    return b ~= -1 and table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n'):find('%[Ran ') ~= nil
  end, 50)
  local b = vim.fn.bufnr('llmspell://run')
  results.runLines = b ~= -1 and vim.api.nvim_buf_get_lines(b, 0, -1, false) or {}
  results.runBufferShown = b ~= -1 and vim.fn.bufwinnr(b) ~= -1
  results.stayedInSource = vim.api.nvim_get_current_buf() == buf
  -- a failing file: :LLMSpellRun goes through the attached server; the error lands in quickfix
  vim.cmd('edit ' .. files[2])
  local bad = vim.api.nvim_get_current_buf()
  vim.wait(30000, function()
    return #clients(bad) > 0
  end, 50)
  vim.fn.setqflist({}, 'r')
  vim.cmd('LLMSpellRun')
  results.quickfix = vim.wait(30000, function()
    return #vim.fn.getqflist() > 0
  end, 50)
  results.qf = {}
  for _, it in ipairs(vim.fn.getqflist()) do
    table.insert(results.qf, { file = vim.fn.fnamemodify(vim.fn.bufname(it.bufnr), ':t'), lnum = it.lnum, text = it.text })
  end
end

scenarios.defaults = scenarios.lsp

-- dap.run with the module's first configuration (launch ${file}), then (NVIM_ATTACH) the attach one.
function scenarios.dap()
  local dap = require('dap')
  vim.cmd('edit ' .. files[1])
  results.configurations = {}
  for _, c in ipairs(dap.configurations.lua or {}) do
    table.insert(results.configurations, { name = c.name, request = c.request })
  end
  local which = os.getenv('NVIM_DAP_REQUEST') or 'launch'
  for _, c in ipairs(dap.configurations.lua) do
    if c.request == which then
      dap.run(c)
      break
    end
  end
  local s
  results.done = vim.wait(30000, function()
    s = dap.sessions()[1]
    return s ~= nil and s.done
  end, 50)
  if s then
    results.adapter = { type = s.adapter.type, command = s.adapter.command, args = s.adapter.args, port = s.adapter.port }
    results.token = s.config.token
    results.program = s.config.program
    results.responses = s.responses
    results.output = table.concat(s.output, '')
    results.error = s.error
    if s.close then
      s.close()
    end
  end
end

-- :LLMSpellREPL opens the REPL in a terminal; a cell runs there.
function scenarios.repl()
  vim.cmd('LLMSpellREPL')
  local buf = vim.api.nvim_get_current_buf()
  results.terminal = vim.bo[buf].buftype == 'terminal'
  local function screen()
    return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  end
  results.prompt = vim.wait(60000, function()
    return screen():find('In %[1%]:') ~= nil
  end, 50)
  vim.fn.chansend(vim.b[buf].terminal_job_id, '6 * 7\r')
  results.result = vim.wait(30000, function()
    return screen():find('Out%[1%]: 42') ~= nil
  end, 50)
  vim.fn.chansend(vim.b[buf].terminal_job_id, 'exit\r')
  results.exited = vim.wait(30000, function()
    return vim.fn.jobwait({ vim.b[buf].terminal_job_id }, 0)[1] ~= -1
  end, 50)
  results.screen = screen()
end

-- run_output = 'quickfix': :LLMSpellRun of a failing file puts its output and error in quickfix.
function scenarios.quickfix()
  vim.cmd('edit ' .. files[1])
  local buf = vim.api.nvim_get_current_buf()
  vim.wait(30000, function()
    return #clients(buf) > 0
  end, 50)
  vim.cmd('LLMSpellRun')
  results.quickfix = vim.wait(30000, function()
    return #vim.fn.getqflist() > 0
  end, 50)
  results.qf = {}
  for _, it in ipairs(vim.fn.getqflist()) do
    local name = it.bufnr > 0 and vim.fn.fnamemodify(vim.fn.bufname(it.bufnr), ':t') or ''
    table.insert(results.qf, { file = name, lnum = it.lnum, text = it.text })
  end
  results.runBuffer = vim.fn.bufnr('llmspell://run') ~= -1
end

local ok, err = pcall(function()
  for _, name in ipairs(vim.split(os.getenv('NVIM_STANDINS') or '', ',', { trimempty = true })) do
    dofile(here .. '/standins/' .. name .. '.lua')
  end
  local snippet = os.getenv('NVIM_SNIPPET')
  if snippet and snippet ~= '' then
    dofile(snippet)
  end
  scenarios[os.getenv('NVIM_SCENARIO')]()
end)
if not ok then
  results.error = tostring(err)
end
finish()
