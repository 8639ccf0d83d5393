-- "Run file" output: the language server's llmspell.runFile / runSelection code lens commands (and
-- :LLMSpellRun) show their output in a scratch buffer (`llmspell://run`) or the quickfix list,
-- instead of the LSP log. An error's file:line goes to the quickfix list either way.
local M = {}

M.output = 'buffer' -- or 'quickfix'

local BUFNAME = 'llmspell://run'

local function split(text)
  local lines = {}
  for line in ((text or '') .. '\n'):gmatch('(.-)\r?\n') do
    table.insert(lines, line)
  end
  if lines[#lines] == '' then
    table.remove(lines)
  end
  return lines
end

local function scratch()
  local buf = vim.fn.bufnr(BUFNAME)
  if buf == -1 then
    buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(buf, BUFNAME)
    vim.api.nvim_buf_set_option(buf, 'buftype', 'nofile')
    vim.api.nvim_buf_set_option(buf, 'bufhidden', 'hide')
    vim.api.nvim_buf_set_option(buf, 'swapfile', false)
  end
  return buf
end

--- Quickfix items for an error: its own file:line, then traceback lines that name one.
local function error_items(result)
  local items = {}
  local err = result.error
  if type(err) ~= 'table' then
    return items
  end
  if err.line ~= nil and (err.file or result.file) then
    local text = tostring(err.message or ''):gsub('^[^:%s]+:%d+:%s*', '')
    table.insert(items, { filename = err.file or result.file, lnum = err.line, text = text, type = 'E' })
  end
  for _, tb in ipairs(type(err.traceback) == 'table' and err.traceback or {}) do
    local file, lnum, text = tostring(tb):match('^%s*([^:%s][^:]*%.lua):(%d+):%s*(.*)$')
    if file and vim.fn.filereadable(file) == 1 then
      table.insert(items, { filename = file, lnum = tonumber(lnum), text = text })
    end
  end
  return items
end

--- Show a run result ({ output, values, error, message, file } as the server returns it).
function M.show(result, opts)
  opts = opts or {}
  local target = opts.output or M.output
  local lines = split(result.output)
  for _, v in ipairs(type(result.values) == 'table' and result.values or {}) do
    table.insert(lines, tostring(v))
  end
  if type(result.error) == 'table' and type(result.error.traceback) == 'table' then
    vim.list_extend(lines, result.error.traceback)
  end
  if result.message then
    table.insert(lines, '[' .. result.message .. ']')
  end
  local errors = error_items(result)
  if target == 'quickfix' then
    local items = {}
    for _, l in ipairs(lines) do
      table.insert(items, { text = l })
    end
    vim.list_extend(items, errors)
    vim.fn.setqflist({}, ' ', { title = 'llmspell run', items = items })
    vim.cmd('copen')
    return
  end
  if #errors > 0 then
    vim.fn.setqflist({}, ' ', { title = 'llmspell run', items = errors })
  end
  local buf = scratch()
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  if vim.fn.bufwinnr(buf) == -1 then
    local win = vim.api.nvim_get_current_win()
    vim.cmd('botright split')
    vim.api.nvim_win_set_buf(0, buf)
    vim.api.nvim_set_current_win(win)
  end
  return buf
end

local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Client-side handlers for the server's run commands (vim.lsp.commands), so code lens output
--- is shown.
function M.register(opts)
  opts = opts or {}
  if opts.output then
    M.output = opts.output
  end
  local function run(command, ctx)
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    if not client then
      return
    end
    local params = { command = command.command, arguments = command.arguments }
    request(client, 'workspace/executeCommand', params, function(err, result)
      if err then
        vim.notify('llmspell: ' .. tostring(err.message or err), vim.log.levels.ERROR)
      elseif type(result) == 'table' then
        M.show(result)
      end
    end, ctx.bufnr)
  end
  vim.lsp.commands['llmspell.runFile'] = run
  vim.lsp.commands['llmspell.runSelection'] = run
end

-- neovim 0.7 has no vim.lsp.get_clients (0.10) nor a filter for get_active_clients (0.8)
local function llmspell_clients(buf)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = buf, name = 'llmspell' })
  end
  local out = {}
  for _, c in pairs(vim.lsp.buf_get_clients(buf)) do
    if c.name == 'llmspell' then
      table.insert(out, c)
    end
  end
  return out
end

--- :LLMSpellRun: through the attached llmspell language server when there is one (the code
--- lens path), else `llmspell run FILE` as a job.
function M.run_file(opts)
  opts = opts or {}
  local buf = vim.api.nvim_get_current_buf()
  local file = vim.api.nvim_buf_get_name(buf)
  if vim.bo[buf].modified then
    vim.cmd('write')
  end
  for _, client in ipairs(llmspell_clients(buf)) do
    vim.lsp.commands['llmspell.runFile'](
      { command = 'llmspell.runFile', arguments = { vim.uri_from_bufnr(buf) } },
      { client_id = client.id, bufnr = buf }
    )
    return
  end
  local out = {}
  local collect = function(_, data)
    for _, l in ipairs(data or {}) do
      table.insert(out, l)
    end
  end
  vim.fn.jobstart({ opts.command or 'llmspell', 'run', file }, {
    stdout_buffered = true,
    stderr_buffered = true,
    on_stdout = collect,
    on_stderr = collect,
    on_exit = function(_, code)
      local name = vim.fn.fnamemodify(file, ':t')
      M.show({
        output = table.concat(out, '\n'),
        message = code == 0 and ('Ran ' .. name) or (name .. ' exited with status ' .. code),
      })
    end,
  })
end

return M
