-- Agent: one-shot queries, built agents, streaming and tools.
-- Run: llmspell run examples/agent.lua            (OPENAI_API_KEY set, or -p full-local-ollama)
--      llmspell run examples/agent.lua --model anthropic/claude-3-5-haiku-latest
local model = ARGS.model -- nil: the default provider's default model

local answer = Agent.query("What is Rust?", { model = model, max_tokens = 200 })
print("query:", answer.content)
print(string.format("model %s, %d tokens in, %d out, finish: %s", answer.model,
  answer.usage.input_tokens, answer.usage.output_tokens, answer.finish_reason))

local builder = Agent.builder():name("explainer"):system_prompt("Answer in two sentences."):temperature(0.3)
if model then builder = builder:model(model) end
local agent = builder:build()

local result = agent:execute({ prompt = "Explain quantum computing" })
print("execute:", result.content)

io.write("stream: ")
local streamed = agent:invokeStream({ prompt = "Count to five" }, function(chunk) io.write(chunk) end)
print()
print("streamed " .. #streamed.content .. " characters")

-- Tools: the model may call them; their results go back until it answers.
Tool.register("word_count", {
  description = "Count the words of a text",
  parameters = { type = "object", properties = { text = { type = "string" } }, required = { "text" } },
  handler = function(p) return { words = select(2, p.text:gsub("%S+", "")) } end,
})
local tb = Agent.builder():name("counter"):tool("word_count")
if model then tb = tb:model(model) end
local counted = tb:build():execute({ prompt = "How many words are in 'the quick brown fox'?" })
print("tools:", counted.content)

print("agents:", table.concat(Agent.list(), ", "))
