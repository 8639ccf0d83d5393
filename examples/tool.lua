-- Tool: builtin tools and tools written in Lua.
print("tools: " .. table.concat(Tool.list(), ", "))

local sum = Tool.execute("calculator", { expression = "2 * (3 + 4) ^ 2" })
print("calculator: " .. sum.result)

local picked = Tool.execute("json-query", { input = '{"items":[{"id":1},{"id":2}]}', query = ".items[*].id" })
print("json-query: " .. JSON.stringify(picked.result))

-- file tools work inside the working directory only
Tool.execute("file-writer", { path = "tool-example.txt", content = "written by tool.lua\n" })
print("file-reader: " .. Tool.execute("file-reader", { path = "tool-example.txt" }).content:gsub("\n$", ""))
local ok, err = pcall(Tool.execute, "file-reader", { path = "../outside.txt" })
print("outside refused: " .. tostring(not ok) .. " (" .. tostring(err):match("outside the working directory") .. ")")

Tool.register("reverse", function(p) return p.text:reverse() end, "Reverse a string")
print("reverse: " .. Tool.execute("reverse", { text = "llmspell" }))
local info = Tool.get_info("reverse")
print("info: " .. info.name .. " - " .. info.description .. " (" .. info.source .. ")")
print("exists: " .. tostring(Tool.exists("reverse")) .. " " .. tostring(Tool.exists("nope")))
