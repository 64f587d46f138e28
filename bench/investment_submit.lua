-- The submit phase of bench/investment.py, run by wrk (one process per replica).
--
--   wrk -t N -c N -d <long> -s investment_submit.lua <replica url> -- ITEMS N RESULTS
--
-- Each thread has one connection, so its requests and responses alternate and each response is
-- known to be its last request's. Thread i submits every N-th line of ITEMS (tab-separated:
-- return id, filing token, draft ETag, retry flag), retrying a flagged one with the same
-- Idempotency-Key right after its answer. It records every request (id, kind, status, start and
-- latency in microseconds of wall-clock time, receipt) and, when its lines are done, writes
-- them to RESULTS/<i> and stops. The parent stops wrk once every thread's file is there.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
]]
local CLOCK_REALTIME = 0
local clock = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_REALTIME, clock)
  return tonumber(clock.tv_sec) * 1000000 + math.floor(tonumber(clock.tv_nsec) / 1000)
end

local threads = 0
function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

local items, head, kind, started, records, results_path

function init(args)
  local items_path, thread_count = args[1], tonumber(args[2])
  results_path = args[3] .. "/" .. thread_index
  items, records, head, kind = {}, {}, 1, "submit"
  local line_number = 0
  for line in io.lines(items_path) do
    if line_number % thread_count == thread_index then
      local id, token, etag, retry = line:match("^(%d+)\t(%S+)\t(.-)\t([01])$")
      items[#items + 1] = { id = id, token = token, etag = etag, retry = retry == "1" }
    end
    line_number = line_number + 1
  end
end

-- wrk calls this once more than it sends (to check the script), so it takes nothing off the
-- list: the answer does.
function request()
  local item = items[head]
  started = now_us()
  return wrk.format("POST", "/returns/" .. item.id .. "/submit", {
    ["Filing-Token"] = item.token,
    ["Idempotency-Key"] = "bench-" .. item.id,
    ["If-Match"] = item.etag,
  })
end

function response(status, headers, body)
  local latency = now_us() - started
  local item = items[head]
  local receipt = status == 201 and body:match('"receipt_number":"([^"]+)"') or "-"
  records[#records + 1] = string.format(
    "%s\t%s\t%d\t%d\t%d\t%s", item.id, kind, status, started, latency, receipt)
  if kind == "submit" and item.retry then
    kind = "retry"
  else
    kind, head = "submit", head + 1
  end
  if head > #items then
    local out = assert(io.open(results_path .. ".part", "w"))
    out:write(table.concat(records, "\n"), "\n")
    out:close()
    assert(os.rename(results_path .. ".part", results_path)) -- whole, or not there yet
    wrk.thread:stop()
  end
end
