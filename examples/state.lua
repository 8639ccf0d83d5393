-- State: values that outlive the script (embedded store under ~/.llmspell/state by default,
-- PostgreSQL with [storage] backend = "postgres").
local runs = (State.get("example:runs") or 0) + 1
State.set("example:runs", runs)
print("this example ran " .. runs .. " time(s)")

State.set("profile", { name = "Ada", langs = { "lua", "rust" }, settings = { theme = "dark" } }, "example")
local p = State.get("profile", "example")
print(p.name .. " likes " .. table.concat(p.langs, " and ") .. ", theme " .. p.settings.theme)
print("keys in scope example: " .. table.concat(State.list("example"), ", "))

State.delete("profile", "example")
print("after delete: " .. tostring(State.get("profile", "example")))
