-- complaints.lua - wrk script for bench/complaints.sh.
--
-- GET by default (the path comes from the URL).  With BENCH_SUBMIT=1 every
-- request files a new complaint through the JSON API (no photo, no login),
-- each with its own description.  done() prints one line:
--   WRK requests=N duration_s=S ok_rps=R non2xx=K errors=E p50_ms=.. p95_ms=.. p99_ms=..
local submit = os.getenv("BENCH_SUBMIT") == "1"
local counter = 0

if submit then
  local headers = { ["Content-Type"] = "application/json" }
  local tid = tostring(math.random(1, 1000000))
  request = function()
    counter = counter + 1
    local body = '{"kind":"complaint","category":"JALAN","description":"Bench ' .. tid .. '-' .. counter ..
      ': jalan berlubang di depan pasar","lat":-7.39,"long":109.36,"village":"33.03.01.2001"}'
    return wrk.format("POST", "/api/complaints", headers, body)
  end
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "WRK requests=%d duration_s=%.3f ok_rps=%.1f non2xx=%d errors=%d p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f\n",
    summary.requests, secs, (summary.requests - e.status) / secs, e.status, errors,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
