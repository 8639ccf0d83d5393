local function fib(n)
  if n < 2 then
    return n
  end
  return fib(n - 1) + fib(n - 2)
end

local function never()
  return 0
end

local s = 0
for i = 1, 2000000 do
  s = s + i % 7
end
local r = fib(27)
print(s, r)
