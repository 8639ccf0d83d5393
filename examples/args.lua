-- ARGS: llmspell run examples/args.lua input.txt --model openai/gpt-4o-mini --verbose
print("positional:", #ARGS, ARGS[1])
print("model:", ARGS.model or "(default)")
print("verbose:", ARGS.verbose == "true")
for k, v in pairs(ARGS) do print("  " .. tostring(k) .. " = " .. v) end
