-- survey.lua - wrk script for bench/survey.sh: every request answers one
-- open survey link once (POST /api/survey/links/TOKEN), each thread taking
-- its own share of the tokens BENCH_TOKENS[BENCH_FROM .. BENCH_FROM +
-- BENCH_COUNT) (one a line, as `pendopo seed survey --links` prints them)
-- split among BENCH_THREADS threads (wrk -t).
-- A thread that runs out answers a link again and gets 409: non2xx counts
-- it.  done() prints the WRK line of bench/wrk.lua.
local file = os.getenv("BENCH_TOKENS")
local from = tonumber(os.getenv("BENCH_FROM") or "0")
local count = tonumber(os.getenv("BENCH_COUNT") or "0")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
local serial = 0

function setup(thread)
  serial = serial + 1
  thread:set("tid", serial)
end

local tokens, pos = {}, 1
local headers = { ["Content-Type"] = "application/json" }
local body = '{"q1":4,"q2":3,"q3":3,"q4":4,"q5":3,"q6":4,"q7":4,"q8":2,"q9":3,"sex":"p","age_group":"30_39"}'

function init(args)
  local n = 0
  for line in io.lines(file) do
    if n >= from and n < from + count and (n - from) % nthreads == tid - 1 then table.insert(tokens, line) end
    n = n + 1
  end
end

function request()
  local t = tokens[pos] or tokens[1]
  pos = pos + 1
  return wrk.format("POST", "/api/survey/links/" .. t, headers, body)
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  local ok = summary.requests - e.status
  io.write(string.format(
    "WRK requests=%d duration_s=%.3f rps=%.1f ok_rps=%.1f non2xx=%d errors=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, secs, summary.requests / secs, ok / secs, e.status, errors,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
