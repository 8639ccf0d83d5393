local HOST = ...
local call, stream, level, json_encode = HOST.call, HOST.stream, HOST.level, HOST.json_encode
local function fail(msg) error(msg, level()) end
local MAX_TOOL_ROUNDS = 10 -- rounds of tool calls before the agent gives up

local agents, counter = {}, 0

local Instance = { __name = 'AgentInstance' }
Instance.__index = Instance

local function input_of(input, what)
  if type(input) == 'string' then return input, {} end
  if type(input) ~= 'table' then
    fail(what .. ' expects a table with prompt (or text), got ' .. type(input))
  end
  local p = input.prompt or input.text
  if type(p) ~= 'string' then fail(what .. ': input.prompt (or input.text) must be a string') end
  return p, input
end

local function run(self, prompt, opts, on_chunk)
  local messages = {}
  local sys = opts.system_prompt or self.system_prompt
  if sys then messages[#messages + 1] = { role = 'system', content = sys } end
  messages[#messages + 1] = { role = 'user', content = prompt }
  local tools
  if #self.tools > 0 then
    tools = {}
    for i, name in ipairs(self.tools) do tools[i] = HOST.tools.spec(name) end
  end
  local usage = { input_tokens = 0, output_tokens = 0 }
  for round = 1, MAX_TOOL_ROUNDS + 1 do
    local req = {
      model = self.model,
      messages = messages,
      tools = tools,
      temperature = opts.temperature or self.temperature,
      max_tokens = opts.max_tokens or self.max_tokens,
      stream = on_chunk ~= nil,
    }
    local r
    if on_chunk then
      r = stream('agent.chat', req, function(c) on_chunk(c.text) end)
    else
      r = call('agent.chat', req)
    end
    usage.input_tokens = usage.input_tokens + (r.usage.input_tokens or 0)
    usage.output_tokens = usage.output_tokens + (r.usage.output_tokens or 0)
    if tools and r.tool_calls and #r.tool_calls > 0 then
      if round > MAX_TOOL_ROUNDS then
        fail('agent ' .. self.name .. ': the model still asked for tools after ' .. MAX_TOOL_ROUNDS .. ' rounds')
      end
      messages[#messages + 1] = { role = 'assistant', content = r.content or '', tool_calls = r.tool_calls }
      for _, tc in ipairs(r.tool_calls) do
        local content
        if not self.allowed[tc.name] then
          content = 'error: tool ' .. tostring(tc.name) .. ' is not available to this agent'
        else
          local ok, out = pcall(HOST.tools.invoke, tc.name, tc.arguments or {})
          if ok then
            content = type(out) == 'string' and out or json_encode(out)
          else
            content = 'error: ' .. tostring(out)
          end
        end
        messages[#messages + 1] = { role = 'tool', tool_call_id = tc.id, name = tc.name, content = content }
      end
    else
      return {
        content = r.content or '',
        model = r.provider .. '/' .. r.model,
        usage = usage,
        finish_reason = r.finish_reason,
      }
    end
  end
end

---Run once and wait for the answer.
function Instance:execute(input)
  if getmetatable(self) ~= Instance then fail('use agent:execute(...) (with a colon)') end
  local prompt, opts = input_of(input, 'agent:execute')
  return run(self, prompt, opts, nil)
end
Instance.invoke = Instance.execute

---Stream: on_chunk(text) for each piece; returns the full response.
function Instance:invokeStream(input, opts, on_chunk)
  if getmetatable(self) ~= Instance then fail('use agent:invokeStream(...) (with a colon)') end
  if type(opts) == 'function' then opts, on_chunk = nil, opts end
  if type(on_chunk) ~= 'function' then fail('agent:invokeStream expects a callback function(chunk)') end
  local prompt, o = input_of(input, 'agent:invokeStream')
  if type(opts) == 'table' then
    for k, v in pairs(opts) do if o[k] == nil then o[k] = v end end
  end
  return run(self, prompt, o, on_chunk)
end
Instance.stream = Instance.invokeStream

local function make(cfg)
  local resolved = call('agent.check', { model = cfg.model })
  local allowed = {}
  for _, name in ipairs(cfg.tools) do
    HOST.tools.spec(name)
    allowed[name] = true
  end
  return setmetatable({
    name = cfg.name,
    model = resolved.model,
    temperature = cfg.temperature,
    max_tokens = cfg.max_tokens,
    system_prompt = cfg.system_prompt,
    tools = cfg.tools,
    allowed = allowed,
  }, Instance)
end

local Builder = { __name = 'AgentBuilder' }
Builder.__index = Builder

local function setter(field, kind, check)
  Builder[field] = function(self, v)
    if getmetatable(self) ~= Builder then fail('use builder:' .. field .. '(...) (with a colon)') end
    if type(v) ~= kind or (check and not check(v)) then
      fail('Agent.builder():' .. field .. ' expects ' .. (check and 'a valid ' or 'a ') .. kind .. ', got ' .. tostring(v))
    end
    self.cfg[field] = v
    return self
  end
end
setter('name', 'string')
setter('model', 'string', function(v) return #v > 0 end)
setter('temperature', 'number', function(v) return v >= 0 and v <= 2 end)
setter('max_tokens', 'number', function(v) return v >= 1 and math.type(v) == 'integer' end)
setter('system_prompt', 'string')
setter('description', 'string')

function Builder:tool(name)
  if getmetatable(self) ~= Builder then fail('use builder:tool(...) (with a colon)') end
  local names = type(name) == 'table' and name or { name }
  for _, n in ipairs(names) do
    if type(n) ~= 'string' then fail('Agent.builder():tool expects a tool name') end
    if not HOST.tools.exists(n) then fail("unknown tool '" .. n .. "' (see Tool.list())") end
    self.cfg.tools[#self.cfg.tools + 1] = n
  end
  return self
end
Builder.tools = Builder.tool

function Builder:build()
  if getmetatable(self) ~= Builder then fail('use builder:build() (with a colon)') end
  local cfg = self.cfg
  if not cfg.name then
    counter = counter + 1
    cfg.name = 'agent-' .. counter
  end
  local a = make(cfg)
  agents[cfg.name] = a
  return a
end

Agent = {}

function Agent.builder()
  return setmetatable({ cfg = { tools = {} } }, Builder)
end

function Agent.query(prompt, opts)
  if type(prompt) ~= 'string' then fail('Agent.query expects a prompt string, got ' .. type(prompt)) end
  if opts ~= nil and type(opts) ~= 'table' then fail('Agent.query: opts must be a table') end
  opts = opts or {}
  local a = make({ name = 'query', model = opts.model, tools = {} , temperature = opts.temperature,
    max_tokens = opts.max_tokens, system_prompt = opts.system_prompt })
  return run(a, prompt, {}, nil)
end

function Agent.list()
  local names = {}
  for n in pairs(agents) do names[#names + 1] = n end
  table.sort(names)
  return setmetatable(names, HOST.ARRAY)
end

function Agent.get(name)
  if type(name) ~= 'string' then fail('Agent.get expects a name') end
  return agents[name]
end
