---@meta llmspell
-- Host API of llmspell scripts (Lua 5.4). This file is declarations only: the runtime provides
-- the implementations. LuaLS users can add this folder to `workspace.library`; the llmspell
-- language server reads it for completion, hover and signature help.

---Token counts reported by the model provider.
---@class AgentUsage
---@field input_tokens integer Tokens in the prompt.
---@field output_tokens integer Tokens in the completion.

---The result of an agent call.
---@class AgentResponse
---@field content string The generated text.
---@field model string The model that answered, as "provider/model" (the provider's own model id, e.g. "openai/gpt-4o-mini-2024-07-18").
---@field usage AgentUsage Token usage.
---@field finish_reason string Why generation stopped: "stop", "length", "tool_calls", ...

---Options of `Agent.query`.
---@class AgentQueryOptions
---@field model? string Model id, "provider/model" (providers: openai, anthropic, ollama, gemini and any [providers.NAME] in the config); a bare model uses the default provider; nil uses the default provider's default_model.
---@field temperature? number Sampling temperature, 0..2.
---@field max_tokens? integer Maximum tokens to generate.
---@field system_prompt? string System prompt.

---Input of `agent:execute`.
---@class AgentInput
---@field prompt? string The user prompt.
---@field text? string Alias of `prompt` (plain text input).
---@field temperature? number Overrides the agent's temperature for this call.
---@field max_tokens? integer Overrides the agent's max_tokens for this call.
---@field system_prompt? string Overrides the agent's system prompt for this call.

---A configured agent. Errors (missing API key, HTTP status and the provider's message, refused
---connection, timeout) are raised as Lua errors at the calling line.
---@class AgentInstance
---@field name string The agent's name.
---@field model string The resolved model, "provider/model".
local AgentInstance = {}

---Run the agent once and wait for the answer. With tools, the model's tool calls are executed
---(Lua tools in the VM) and their results sent back until it answers (at most 10 rounds).
---@param input AgentInput|string A table with `prompt` (or `text`), or the prompt itself.
---@return AgentResponse response The model's answer.
function AgentInstance:execute(input) end

---Alias of `execute`.
---@param input AgentInput|string
---@return AgentResponse response
function AgentInstance:invoke(input) end

---Run the agent and stream the answer: `on_chunk(text)` is called for every piece as it arrives.
---Call as `agent:invokeStream(input, on_chunk)` or `agent:invokeStream(prompt, opts, on_chunk)`.
---@param input AgentInput|string A table with `prompt` (or `text`), or the prompt itself.
---@param opts AgentQueryOptions|fun(chunk: string) Options, or the callback.
---@param on_chunk? fun(chunk: string) Called with each chunk of text.
---@return AgentResponse response The complete answer.
function AgentInstance:invokeStream(input, opts, on_chunk) end

---Builds an agent step by step: `Agent.builder():model("openai/gpt-4o-mini"):build()`.
---@class AgentBuilder
local AgentBuilder = {}

---Set the agent's name (used by `Agent.get`).
---@param name string
---@return AgentBuilder
function AgentBuilder:name(name) end

---Set the model, as "provider/model" (e.g. "openai/gpt-4o-mini", "ollama/llama3").
---@param model string
---@return AgentBuilder
function AgentBuilder:model(model) end

---Set the sampling temperature (0..2).
---@param temperature number
---@return AgentBuilder
function AgentBuilder:temperature(temperature) end

---Set the maximum number of tokens to generate.
---@param max_tokens integer
---@return AgentBuilder
function AgentBuilder:max_tokens(max_tokens) end

---Set the system prompt.
---@param prompt string
---@return AgentBuilder
function AgentBuilder:system_prompt(prompt) end

---Give the agent a registered tool by name (or a list of names); the model may call it.
---@param tool_name string|string[]
---@return AgentBuilder
function AgentBuilder:tool(tool_name) end

---Set a description (informational).
---@param description string
---@return AgentBuilder
function AgentBuilder:description(description) end

---Create the agent (checks the provider, its API key and the tools; registers it for `Agent.get`).
---@return AgentInstance agent
function AgentBuilder:build() end

---Agents: language model calls from scripts, over HTTP to the configured providers
---([providers.NAME] in the config: OpenAI-compatible, Anthropic, Ollama; keys from api_key_env).
---@class Agent
Agent = {}

---Ask a model once, without building an agent: `Agent.query("What is Rust?").content`.
---@param prompt string The prompt text.
---@param opts? AgentQueryOptions Model, temperature, max_tokens, system_prompt.
---@return AgentResponse response
function Agent.query(prompt, opts) end

---Start building an agent.
---@return AgentBuilder builder
function Agent.builder() end

---Names of the registered agents.
---@return string[] names
function Agent.list() end

---A registered agent by name, or nil.
---@param name string
---@return AgentInstance? agent
function Agent.get(name) end

---Description of a tool.
---@class ToolInfo
---@field name string
---@field description string
---@field parameters table JSON schema of the input.
---@field source string "builtin" or "lua".

---A tool written in Lua, for `Tool.register(name, spec)`.
---@class ToolSpec
---@field description? string What the tool does (shown to models).
---@field parameters? table JSON schema of the input, e.g. {type = "object", properties = {text = {type = "string"}}, required = {"text"}}.
---@field handler fun(input: table): any The implementation.

---Tools: named functions agents and scripts can call. Builtins: calculator, json-query,
---file-reader and file-writer (inside the working directory only), http-request (only when
---[tools] http_allowed_hosts lists hosts).
---@class Tool
Tool = {}

---Names of all registered tools.
---@return string[] names
function Tool.list() end

---Run a tool with the given input table and return its result (required parameters and
---declared types are checked first).
---@param name string Tool name.
---@param input? table Tool input.
---@return any result
function Tool.execute(name, input) end

---Information about a tool, or nil when it does not exist.
---@param name string
---@return ToolInfo? info
function Tool.get_info(name) end

---Whether a tool with this name is registered.
---@param name string
---@return boolean exists
function Tool.exists(name) end

---Register a Lua function (or a spec table with `handler`, `description`, `parameters`) as a tool.
---@param name string Tool name: letters, digits, `_` and `-`.
---@param handler fun(input: table): any|ToolSpec The implementation, or a spec.
---@param description? string What the tool does.
---@return boolean ok
function Tool.register(name, handler, description) end

---State: a key/value store that outlives scripts, per scope ("global" unless given). Backend from
---[storage] backend: "embedded" (default, files under ~/.llmspell/state or $LLMSPELL_HOME/state),
---"memory" (this runtime only) or "postgres" ([storage.postgres] url, tenant isolation).
---Values round-trip through JSON (tables, strings, numbers, booleans).
---@class State
State = {}

---Read a value, or nil.
---@param key string
---@param scope? string Default "global".
---@return any value
function State.get(key, scope) end

---Store a value (tables, strings, numbers, booleans); nil deletes the key.
---@param key string
---@param value any
---@param scope? string Default "global".
function State.set(key, value, scope) end

---Remove a key; returns whether it existed.
---@param key string
---@param scope? string Default "global".
---@return boolean deleted
function State.delete(key, scope) end

---All keys of a scope, sorted.
---@param scope? string Default "global".
---@return string[] keys
function State.list(scope) end

---Options of `JSON.stringify`.
---@class JsonStringifyOptions
---@field pretty? boolean Indent the output (two spaces).
---@field indent? integer Indent by this many spaces.

---JSON encoding and decoding.
---@class JSON
JSON = {}

---Decode a JSON text into Lua values (objects become tables, null becomes nil). Invalid JSON is a Lua error.
---@param text string
---@return any value
function JSON.parse(text) end

---Encode a Lua value as JSON (object keys sorted; tables with cycles are an error).
---@param value any
---@param opts? JsonStringifyOptions `{pretty = true}` for indented output.
---@return string json
function JSON.stringify(value, opts) end

---Command line arguments of `llmspell run FILE ARGS...`: positional ones at 1..n, `--key value`
---and `--key=value` by name (a `--flag` without a value is "true").
---@type table<string|integer, string>
ARGS = {}

---Logging to the kernel's log (with the script's file and line); the level filter is the
---kernel's (--trace, LLMSPELL_LOG, [logging] log_level).
---@class Debug
Debug = {}

---Log at debug level.
---@param ... any
function Debug.log(...) end

---Log at debug level (same as `Debug.log`).
---@param ... any
function Debug.debug(...) end

---Log a trace message (written at debug level).
---@param ... any
function Debug.trace(...) end

---Log at info level.
---@param ... any
function Debug.info(...) end

---Log at warning level.
---@param ... any
function Debug.warn(...) end

---Log at error level.
---@param ... any
function Debug.error(...) end

---Rich output for Jupyter front ends (display_data / update_display_data).
---@class display
display = {}

---Show HTML.
---@param html string
---@return string display_id
function display.html(html) end

---Show Markdown.
---@param markdown string
---@return string display_id
function display.markdown(markdown) end

---Show a PNG image.
---@param base64 string Base64-encoded PNG data.
---@return string display_id
function display.png(base64) end

---Show a table as JSON.
---@param value table
---@return string display_id
function display.json(value) end

---Replace an earlier output, by the id a display function returned.
---@param id string
---@param kind string "html", "markdown", "png" or "json".
---@param content any
function display.update(id, kind, content) end

---Clear the cell's output; with `wait`, clear when the next output arrives.
---@param wait? boolean
function display.clear(wait) end
