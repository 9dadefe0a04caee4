-- A double-ended queue and a few helpers.
local Queue = {}
Queue.__index = Queue

function Queue.new()
  return setmetatable({ first = 1, last = 0, items = {} }, Queue)
end

function Queue:push(value)
  if value == nil then
    error("cannot push nil")
  end
  self.last = self.last + 1
  self.items[self.last] = value
end

function Queue:pop()
  if self.first > self.last then
    return nil
  end
  local value = self.items[self.first]
  self.items[self.first] = nil
  self.first = self.first + 1
  return value
end

function Queue:size()
  return self.last - self.first + 1
end

--[[ Drains the queue into a list, stopping at `limit` items
     or at the first value that fails `keep`. ]]
function Queue:drain(limit, keep)
  local out = {}
  while self:size() > 0 and #out < limit do
    local v = self:pop()
    if keep and not keep(v) then
      break
    elseif type(v) == "table" or type(v) == "string" then
      out[#out + 1] = v
    else
      out[#out + 1] = tostring(v)
    end
  end
  return out
end

local function sum(list)
  local total = 0
  for _, v in ipairs(list) do
    total = total + (tonumber(v) or 0)
  end
  return total
end

local function retry(fn, times)
  local n = 0
  repeat
    n = n + 1
    local ok, result = pcall(fn)
    if ok then
      return result
    end
  until n >= times
  return nil
end

return { Queue = Queue, sum = sum, retry = retry }
