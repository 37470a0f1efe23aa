-- queue.lua - wrk script for bench/queue.sh (Simantri).
--
-- BENCH_MODE=book: every request books one number in the same session,
-- each with a NIK of its own (BENCH_FACILITY, BENCH_SERVICE, BENCH_DATE,
-- BENCH_SESSION).  A thread stops at its first "quota full" answer; done()
-- prints (BENCH_TID_BASE shifts the threads' NIK birth years, so that
-- later runs book other patients)
--   QWRK ok=N full=F other=O seconds=S rate=R p50_ms=.. p99_ms=.. max_ms=..
-- where S runs from the first request to the last successful booking of
-- any thread, so R is bookings per second while the quota lasted.
--
-- BENCH_MODE=get: GET BENCH_PATH with the Antrol headers x-token and
-- x-username (BENCH_TOKEN, BENCH_USER); done() prints the WRK line of
-- bench/wrk.lua.
local ffi = require("ffi")
ffi.cdef [[
  typedef long time_t;
  struct timespec { time_t tv_sec; long tv_nsec; };
  int clock_gettime(int clk, struct timespec *tp);
]]
local ts = ffi.new("struct timespec")
local function now()
  ffi.C.clock_gettime(1, ts)                    -- CLOCK_MONOTONIC: same for every thread
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local mode = os.getenv("BENCH_MODE") or "get"
local threads = {}
local serial = 0

function setup(thread)
  serial = serial + 1
  thread:set("tid", serial + tonumber(os.getenv("BENCH_TID_BASE") or "0"))
  table.insert(threads, thread)
end

if mode == "book" then
  local facility, service = os.getenv("BENCH_FACILITY"), os.getenv("BENCH_SERVICE")
  local date, session = os.getenv("BENCH_DATE"), os.getenv("BENCH_SESSION")
  local headers = { ["Content-Type"] = "application/json" }
  local counter = 0
  ok, full, other, t0, last = 0, 0, 0, 0, 0

  function init(args)
    t0 = now()
  end

  -- A valid NIK of district 33.03.01 unique to this thread and request:
  -- birth day, month and serial from the counter, year from the thread.
  local function nik()
    local c = counter
    local day, month = 1 + c % 28, 1 + math.floor(c / 28) % 12
    local serialno = 1 + math.floor(c / 336) % 9999
    return string.format("330301%02d%02d%02d%04d", day, month, 80 + tid, serialno)
  end

  request = function()
    counter = counter + 1
    local body = string.format('{"facility":"%s","service":"%s","date":"%s","session":%s,"nik":"%s"}',
      facility, service, date, session, nik())
    return wrk.format("POST", "/api/queue/bookings", headers, body)
  end

  response = function(status, hdrs, body)
    if status == 201 then
      ok = ok + 1
      last = now()
    elseif status == 409 and body:find("quota_full", 1, true) then
      full = full + 1
      wrk.thread:stop()
    else
      other = other + 1
    end
  end

  done = function(summary, latency, requests)
    local sok, sfull, sother, first, final = 0, 0, 0, math.huge, 0
    for _, t in ipairs(threads) do
      sok, sfull, sother = sok + t:get("ok"), sfull + t:get("full"), sother + t:get("other")
      first = math.min(first, t:get("t0"))
      final = math.max(final, t:get("last"))
    end
    local secs = final > first and final - first or 0
    io.write(string.format(
      "QWRK ok=%d full=%d other=%d errors=%d seconds=%.3f rate=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
      sok, sfull, sother, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      secs, secs > 0 and sok / secs or 0,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  end
else
  wrk.method = "GET"
  wrk.path = os.getenv("BENCH_PATH")
  wrk.headers["x-token"] = os.getenv("BENCH_TOKEN")
  wrk.headers["x-username"] = os.getenv("BENCH_USER")

  done = function(summary, latency, requests)
    local secs = summary.duration / 1e6
    local e = summary.errors
    local ok = summary.requests - e.status
    io.write(string.format(
      "WRK requests=%d duration_s=%.3f rps=%.1f ok_rps=%.1f non2xx=%d errors=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
      summary.requests, secs, summary.requests / secs, ok / secs, e.status, e.connect + e.read + e.write + e.timeout,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  end
end
