-- Stand-in for nvim-lspconfig v0.1.x (the line that supports neovim 0.7), registered in
-- package.loaded by the test driver (lspconfig is no Debian or npm package). It keeps that API's
-- shape: require('lspconfig') has `util` and finds servers through require('lspconfig.configs')
-- (no __newindex: assigning lspconfig.X does not define a server); assigning
-- configs.NAME = { default_config = {...} } defines NAME with a `setup(user_config)` that starts
-- one client per root_dir on the filetypes' FileType autocmd, as lspconfig does.
local util = {}

function util.root_pattern(...)
  local patterns = { ... }
  return function(startpath)
    local dir = vim.fn.fnamemodify(startpath, ':p:h')
    while true do
      for _, p in ipairs(patterns) do
        if vim.loop.fs_stat(dir .. '/' .. p) then
          return dir
        end
      end
      local parent = vim.fn.fnamemodify(dir, ':h')
      if parent == dir then
        return nil
      end
      dir = parent
    end
  end
end

local configs = {}
setmetatable(configs, {
  __newindex = function(t, name, def)
    assert(type(def) == 'table' and type(def.default_config) == 'table', 'configs.' .. name .. ': default_config')
    local dc = def.default_config
    assert(type(dc.cmd) == 'table', 'default_config.cmd')
    assert(type(dc.filetypes) == 'table', 'default_config.filetypes')
    assert(type(dc.root_dir) == 'function', 'default_config.root_dir')
    local server = { name = name, document_config = def, setup_called = 0 }
    function server.setup(user_config)
      server.setup_called = server.setup_called + 1
      local config = vim.tbl_deep_extend('keep', user_config or {}, dc)
      local roots = {}
      vim.api.nvim_create_autocmd('FileType', {
        pattern = config.filetypes,
        callback = function(args)
          local root = config.root_dir(vim.api.nvim_buf_get_name(args.buf))
          if not root then
            return
          end
          if not roots[root] then
            -- as lspconfig: the whole merged config goes to start_client, and on_init sends the
            -- settings with workspace/didChangeConfiguration (neovim 0.7 itself does not)
            local client_config = vim.tbl_extend('force', config, { name = name, root_dir = root })
            local user_on_init = config.on_init
            client_config.on_init = function(client, result)
              client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
              if user_on_init then
                user_on_init(client, result)
              end
            end
            client_config.filetypes = nil
            roots[root] = vim.lsp.start_client(client_config)
          end
          vim.lsp.buf_attach_client(args.buf, roots[root])
        end,
      })
    end
    rawset(t, name, server)
  end,
})

local lspconfig = { util = util }
setmetatable(lspconfig, {
  __index = function(_, name)
    return configs[name]
  end,
})

package.loaded['lspconfig.util'] = util
package.loaded['lspconfig.configs'] = configs
package.loaded['lspconfig'] = lspconfig
return lspconfig
