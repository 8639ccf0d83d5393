-- The llmspell language server for neovim, on every generation:
--   neovim 0.11+            vim.lsp.config('llmspell', ...) + vim.lsp.enable('llmspell')
--   0.7-0.10 + lspconfig    require('lspconfig.configs').llmspell + lspconfig.llmspell.setup()
--   neither                 a FileType autocmd that starts the client itself
-- Buffer keymaps and omnifunc are set only when asked: setup({ keymaps = true, omnifunc = true }).
local run = require('llmspell.run')

local M = {}

M.name = 'llmspell'
M.filetypes = { 'lua' }
M.root_markers = { '.llmspell', '.luarc.json', '.git' }
M.settings = { llmspell = { enableSnippets = true, enableDebug = true } }

--- keymaps = true installs these (normal mode, buffer-local); a table of lhs -> vim.lsp.buf
--- function name (or a function) installs that instead.
M.default_keymaps = {
  gd = 'definition',
  K = 'hover',
  gr = 'references',
  ['<leader>rn'] = 'rename',
  ['<leader>ca'] = 'code_action',
  ['<leader>cl'] = function()
    vim.lsp.codelens.run()
  end,
}

local function set_keymaps(bufnr, keymaps)
  local map = keymaps == true and M.default_keymaps or keymaps
  for lhs, rhs in pairs(map) do
    local fn = rhs
    if type(rhs) == 'string' then
      fn = function()
        vim.lsp.buf[rhs]()
      end
    end
    vim.keymap.set('n', lhs, fn, { buffer = bufnr, silent = true, desc = 'llmspell: ' .. tostring(rhs) })
  end
end

function M.on_attach(opts)
  return function(client, bufnr)
    if opts.omnifunc then
      vim.api.nvim_buf_set_option(bufnr, 'omnifunc', 'v:lua.vim.lsp.omnifunc')
    end
    if opts.keymaps then
      set_keymaps(bufnr, opts.keymaps)
    end
    if opts.codelens ~= false then
      if vim.lsp.codelens.enable then -- 0.12
        vim.lsp.codelens.enable(true, { bufnr = bufnr })
      else
        pcall(vim.lsp.codelens.refresh)
      end
    end
    if opts.on_attach then
      opts.on_attach(client, bufnr)
    end
  end
end

local function command(opts)
  return opts.cmd or { opts.command or 'llmspell', 'kernel', 'start', '--lsp' }
end

--- The server configuration (vim.lsp.config / vim.lsp.start form).
function M.config(opts)
  opts = opts or {}
  local settings = opts.settings or M.settings
  return {
    cmd = command(opts),
    filetypes = opts.filetypes or M.filetypes,
    root_markers = opts.root_markers or M.root_markers,
    settings = settings,
    -- neovim 0.7 does not announce workspace/configuration; the server also reads its settings here
    init_options = { settings = settings },
    capabilities = opts.capabilities,
    on_attach = M.on_attach(opts),
  }
end

local function find_root(file, markers)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  while true do
    for _, m in ipairs(markers) do
      if vim.loop.fs_stat(dir .. '/' .. m) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return vim.fn.fnamemodify(file, ':p:h')
    end
    dir = parent
  end
end

-- Without vim.lsp.config or lspconfig: one client per root, attached on FileType.
local function start_on_filetype(config)
  local clients = {}
  local function attach(bufnr)
    local file = vim.api.nvim_buf_get_name(bufnr)
    if file == '' then
      return
    end
    local root = find_root(file, config.root_markers)
    local id = clients[root]
    if not id or not vim.lsp.get_client_by_id(id) then
      local c = vim.tbl_extend('force', config, { name = M.name, root_dir = root })
      c.root_markers = nil
      c.filetypes = nil
      id = vim.lsp.start_client(c)
      clients[root] = id
    end
    if id then
      vim.lsp.buf_attach_client(bufnr, id)
    end
  end
  local group = vim.api.nvim_create_augroup('llmspell_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      attach(args.buf)
    end,
  })
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(config.filetypes, vim.bo[buf].filetype) then
      attach(buf)
    end
  end
end

--- Sets the server up; returns how: 'vim.lsp.enable', 'lspconfig' or 'autocmd'.
--- opts.via forces one of them.
function M.setup(opts)
  opts = opts or {}
  run.register({ output = opts.run_output })
  local config = M.config(opts)
  local via = opts.via
  if not via then
    if vim.lsp.config and vim.lsp.enable then
      via = 'vim.lsp.enable'
    elseif pcall(require, 'lspconfig') then
      via = 'lspconfig'
    else
      via = 'autocmd'
    end
  end
  if via == 'vim.lsp.enable' then
    vim.lsp.config(M.name, config)
    vim.lsp.enable(M.name)
  elseif via == 'lspconfig' then
    local lspconfig = require('lspconfig')
    local configs = require('lspconfig.configs')
    if not configs[M.name] then
      configs[M.name] = {
        default_config = {
          cmd = config.cmd,
          filetypes = config.filetypes,
          root_dir = lspconfig.util.root_pattern(unpack(config.root_markers)),
          settings = config.settings,
        },
      }
    end
    lspconfig[M.name].setup({
      cmd = config.cmd,
      settings = config.settings,
      init_options = config.init_options,
      capabilities = config.capabilities,
      on_attach = config.on_attach,
    })
  else
    start_on_filetype(config)
  end
  return via
end

return M
