function f(a, b)
  if a and b then
    return 1
  elseif a then
    return 2
  end
  for i = 1, 10 do end
end
