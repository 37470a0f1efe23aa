-- channels.lua - wrk script of bench/channels.sh: POSTs the signed webhook
-- calls of BENCH_BODIES (lines "signature<TAB>body"), each thread its own
-- share, each call once (WhatsApp ids are unique: a repeat is not new work).
-- done() prints the WRK line of bench/wrk.lua.
local file = os.getenv("BENCH_BODIES")
local threads = {}
local lines, n, at = {}, 0, 0

setup = function(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

init = function(args)
  local k = 0
  for line in io.lines(file) do
    if k % 2 == tid then
      local tab = line:find("\t", 1, true)
      n = n + 1
      lines[n] = { line:sub(1, tab - 1), line:sub(tab + 1) }
    end
    k = k + 1
  end
end

request = function()
  at = at + 1
  if at > n then at = 1 end
  local l = lines[at]
  return wrk.format("POST", "/api/whatsapp/webhook",
    { ["Content-Type"] = "application/json", ["X-Hub-Signature-256"] = l[1] }, l[2])
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
