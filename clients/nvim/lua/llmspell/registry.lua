-- The running llmspell kernels, read from the registry the kernel writes: one JSON file per
-- kernel in $LLMSPELL_HOME/kernels (default ~/.llmspell/kernels). Entries whose process is gone
-- are skipped. Works on neovim 0.7 and later (vim.loop, vim.fn.json_decode).
local M = {}

function M.home()
  local home = os.getenv('LLMSPELL_HOME')
  if home and home ~= '' then
    return home
  end
  return (os.getenv('HOME') or '') .. '/.llmspell'
end

local function alive(pid)
  local ok, _, name = vim.loop.kill(pid, 0)
  return ok == 0 or name == 'EPERM'
end

local function read(path)
  local f = io.open(path, 'r')
  if not f then
    return nil
  end
  local text = f:read('*a')
  f:close()
  local ok, entry = pcall(vim.fn.json_decode, text)
  if ok and type(entry) == 'table' and type(entry.pid) == 'number' and type(entry.ports) == 'table' then
    return entry
  end
  return nil
end

--- Live kernels, newest first.
function M.kernels()
  local dir = M.home() .. '/kernels'
  local handle = vim.loop.fs_scandir(dir)
  if not handle then
    return {}
  end
  local out = {}
  while true do
    local name = vim.loop.fs_scandir_next(handle)
    if not name then
      break
    end
    if name:match('%.json$') then
      local entry = read(dir .. '/' .. name)
      if entry and alive(entry.pid) then
        table.insert(out, entry)
      end
    end
  end
  table.sort(out, function(a, b)
    return tostring(a.started or '') > tostring(b.started or '')
  end)
  return out
end

local LOCAL = { localhost = true, ['127.0.0.1'] = true, ['::1'] = true, ['0.0.0.0'] = true }

--- The kernel serving DAP on host:port; without a port, the newest kernel that serves DAP.
function M.dap_kernel(host, port)
  for _, k in ipairs(M.kernels()) do
    local dap = k.ports.dap
    if type(dap) == 'number' then
      if port == nil then
        return k
      end
      if dap == port and (k.ip == host or (LOCAL[host or 'localhost'] and LOCAL[k.ip or ''])) then
        return k
      end
    end
  end
  return nil
end

--- The token the kernel's DAP server expects in launch/attach arguments, if it asks for one.
function M.dap_token(entry)
  if type(entry.dapToken) == 'string' then
    return entry.dapToken
  end
  if type(entry.dap) == 'table' and type(entry.dap.token) == 'string' then
    return entry.dap.token
  end
  return nil
end

return M
