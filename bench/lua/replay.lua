-- Replays prepared HTTP requests with wrk; every wrk thread reads its own file of them.
--
-- Settings come from the environment (wrk passes it on to every thread's Lua state):
--   BENCH_REQUESTS  directory with thread-<n>.txt files, one request per line:
--                   METHOD <tab> PATH <tab> BODY <tab> Header: value <tab> Header: value ...
--   BENCH_MODE      "cycle": repeat the thread's requests for as long as wrk runs;
--                   "once":  send each request at most once, then wait for the last answers;
--                   "burst": send the thread's first BENCH_BURST requests at the same moment.
--   BENCH_WRAP      "1": in "once" mode start again from the first request when all are sent
--                   (the tool-ceiling run against the trivial server, with the same callbacks).
--   BENCH_SECONDS   in "once" mode, stop sending after this many seconds and wait for the
--                   answers still to come, so every request sent is also counted.
--   BENCH_BURST     requests each thread sends at once in "burst" mode.
-- When a thread has all its answers it writes done-<n> into BENCH_REQUESTS and stops; the
-- harness then interrupts wrk, which calls done() and prints one line: BENCH_JSON {...}.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("bench_timespec")

-- Microseconds on the system-wide monotonic clock, comparable between wrk's threads.
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1e6 + tonumber(timespec.tv_nsec) / 1e3
end

local dir = os.getenv("BENCH_REQUESTS") or "."
local mode = os.getenv("BENCH_MODE") or "cycle"
local wrap = os.getenv("BENCH_WRAP") == "1"
local seconds = tonumber(os.getenv("BENCH_SECONDS") or "0")
local burst = tonumber(os.getenv("BENCH_BURST") or "0")
-- Long enough that a held connection never sends again before the thread stops.
local HOLD_MS = 3600 * 1000

-- Main state: one entry per thread, so done() can read each thread's counters.
local threads = {}
local thread_count = 0

-- Main state, once per thread before it starts: number the thread and keep it for done().
function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

-- Thread state.
local requests = {}
local next_index = 1
local verified = false
local filler = nil
-- Globals, not locals: done() reads them from each thread's state with thread:get().
sent = 0
received = 0
released = 0
statuses = {}
hx_redirects = 0
first_us = 0
last_us = 0
finished = false
exhausted = false
local deadline_us = nil

-- The tab-separated fields of one line, empty ones included.
local function split(line)
  local fields = {}
  local start = 1
  while true do
    local tab = string.find(line, "\t", start, true)
    if not tab then
      table.insert(fields, string.sub(line, start))
      return fields
    end
    table.insert(fields, string.sub(line, start, tab - 1))
    start = tab + 1
  end
end

-- Thread state: read this thread's requests and build them once.
function init(args)
  local path = dir .. "/thread-" .. id .. ".txt"
  local file = assert(io.open(path, "r"), "cannot read " .. path)
  for line in file:lines() do
    if #line > 0 then
      local fields = split(line)
      local headers = {}
      for i = 4, #fields do
        local name, value = string.match(fields[i], "^([^:]+):%s*(.*)$")
        headers[name] = value
      end
      local body = fields[3]
      if body == "" then
        body = nil
      end
      table.insert(requests, wrk.format(fields[1], fields[2], headers, body))
    end
  end
  file:close()
  assert(#requests > 0, path .. " has no requests")
  filler = wrk.format("GET", "/healthz")
end

-- Write the marker the harness waits for, and stop this thread's event loop.
local function finish()
  if finished then
    return
  end
  finished = true
  local marker = io.open(dir .. "/done-" .. id, "w")
  if marker then
    marker:write(tostring(received))
    marker:close()
  end
  wrk.thread:stop()
end

-- Whether this thread sends nothing more: pool used up, burst sent, or time is up.
local function holding()
  if mode == "burst" then
    return released >= burst
  end
  if not wrap and next_index > #requests then
    exhausted = true
    return true
  end
  return deadline_us ~= nil and now_us() >= deadline_us
end

-- Whether this thread has every answer it will get.
local function complete()
  if mode == "burst" then
    return received >= burst
  end
  return holding() and received >= sent
end

if mode ~= "cycle" then
  -- Milliseconds to wait before a connection's next request: 0, or "never" when holding.
  function delay()
    if holding() then
      if complete() then
        finish()
      end
      return HOLD_MS
    end
    released = released + 1
    return 0
  end
end

-- The next prepared request of this thread.
function request()
  -- wrk builds one request from thread 0 before any thread runs, only to check that it
  -- parses; it is never sent, so it must not use up a prepared request.
  if id == 0 and not verified then
    verified = true
    return requests[1]
  end
  if next_index > #requests then
    if mode ~= "cycle" and not wrap then
      -- delay() holds connections once every request is sent; this is only a safeguard
      -- against sending one twice.
      return filler
    end
    next_index = 1
  end
  local req = requests[next_index]
  next_index = next_index + 1
  sent = sent + 1
  local now = now_us()
  if first_us == 0 then
    first_us = now
    if seconds > 0 then
      deadline_us = now + seconds * 1e6
    end
  end
  return req
end

-- Count the answer by status, note when it came, and finish when all are in.
function response(status, headers, body)
  received = received + 1
  last_us = now_us()
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if headers["HX-Redirect"] or headers["hx-redirect"] then
    hx_redirects = hx_redirects + 1
  end
  if mode ~= "cycle" and complete() then
    finish()
  end
end

-- JSON for numbers, strings, booleans and tables (wrk's LuaJIT has no JSON library).
local function encode(value)
  local kind = type(value)
  if kind == "number" then
    if value ~= value or value == math.huge or value == -math.huge then
      return "null"
    end
    return string.format("%.17g", value)
  elseif kind == "boolean" then
    return tostring(value)
  elseif kind == "string" then
    return '"' .. value:gsub('[%c"\\]', function(c)
      return string.format("\\u%04x", string.byte(c))
    end) .. '"'
  elseif kind == "table" then
    if #value > 0 then
      local items = {}
      for _, item in ipairs(value) do
        table.insert(items, encode(item))
      end
      return "[" .. table.concat(items, ",") .. "]"
    end
    local items = {}
    for key, item in pairs(value) do
      table.insert(items, encode(tostring(key)) .. ":" .. encode(item))
    end
    return "{" .. table.concat(items, ",") .. "}"
  end
  return "null"
end

-- Main state, after the run: print wrk's summary and every thread's counters as JSON.
function done(summary, latency, requests_stats)
  local per_thread = {}
  for _, thread in ipairs(threads) do
    table.insert(per_thread, {
      id = thread:get("id"),
      sent = thread:get("sent"),
      received = thread:get("received"),
      statuses = thread:get("statuses") or {},
      hx_redirects = thread:get("hx_redirects"),
      first_us = thread:get("first_us"),
      last_us = thread:get("last_us"),
      finished = thread:get("finished"),
      exhausted = thread:get("exhausted"),
    })
  end
  local percentiles = {}
  for _, p in ipairs({ 50, 75, 90, 95, 99, 99.9 }) do
    percentiles[tostring(p)] = latency:percentile(p)
  end
  local result = {
    mode = mode,
    duration_us = summary.duration,
    requests = summary.requests,
    bytes = summary.bytes,
    errors = {
      connect = summary.errors.connect,
      read = summary.errors.read,
      write = summary.errors.write,
      status = summary.errors.status,
      timeout = summary.errors.timeout,
    },
    latency_us = {
      min = latency.min,
      max = latency.max,
      mean = latency.mean,
      stdev = latency.stdev,
      percentiles = percentiles,
    },
    threads = per_thread,
  }
  io.write("BENCH_JSON " .. encode(result) .. "\n")
end
