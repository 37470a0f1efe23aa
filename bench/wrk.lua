-- wrk.lua - the one wrk script for the pendopo benchmarks.
--
-- GET by default.  With BENCH_METHOD=PATCH (and BENCH_PATH, BENCH_COOKIE,
-- BENCH_CSRF) every request is a JSON write with a fresh body, so the server
-- cannot skip it as a no-op.  BENCH_SESSIONS ("cookie|csrf cookie|csrf ...")
-- instead of BENCH_COOKIE/BENCH_CSRF spreads the writes over several users
-- in turn, so that they do not all queue on one user's row.  done() prints one machine-readable line:
--   WRK requests=N duration_s=S rps=R ok_rps=R2 non2xx=K errors=E p50_ms=.. p99_ms=.. max_ms=..
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH")
local cookie = os.getenv("BENCH_COOKIE")
local csrf = os.getenv("BENCH_CSRF")
local counter = 0

if method ~= "GET" then
  local headers = { ["Content-Type"] = "application/json" }
  if cookie and cookie ~= "" then headers["Cookie"] = cookie end
  if csrf and csrf ~= "" then headers["X-CSRF-Token"] = csrf end
  local sessions = {}
  for c, t in string.gmatch(os.getenv("BENCH_SESSIONS") or "", "([^|%s]+)|([^|%s]+)") do
    table.insert(sessions, { c, t })
  end
  local tid = tostring(math.random(1, 1000000))
  request = function()
    counter = counter + 1
    if #sessions > 0 then
      local s = sessions[1 + counter % #sessions]
      headers["Cookie"], headers["X-CSRF-Token"] = s[1], s[2]
    end
    local body = '{"name":"Bench ' .. tid .. '-' .. counter .. '"}'
    return wrk.format(method, path, headers, body)
  end
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
