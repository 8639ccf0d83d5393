-- llmspell run examples/hello.lua world
local name = ... or "Lua"
local function greet(who)
  return string.format("Hello, %s! (%s)", who, _VERSION)
end
print(greet(name))
for i, a in ipairs(arg) do
  print(("arg[%d] = %s"):format(i, a))
end
