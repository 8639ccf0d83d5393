local total = 0
for i = 1, 100000 do
  total = total + i
end
print(total)
