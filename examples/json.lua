-- JSON: decode and encode (sorted keys; {pretty = true} indents).
local doc = JSON.parse('{"name":"llmspell","tags":["lua","llm"],"nested":{"ok":true,"none":null}}')
print(doc.name, doc.tags[2], doc.nested.ok, doc.nested.none)
print(JSON.stringify({ b = 2, a = { 1, 2, 3 } }))
print(JSON.stringify({ user = { name = "Ada", langs = { "lua" } }, empty = {} }, { pretty = true }))
local ok, err = pcall(JSON.parse, "{broken")
print("invalid JSON:", ok, err)
