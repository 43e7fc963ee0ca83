-- wrk script for bench/webhook.sh: POSTs pre-signed pull_request bodies (WEBHOOK_BODIES,
-- from webhook_bodies.py) with a unique X-GitHub-Delivery per request:
-- "<WEBHOOK_RUN>-<thread>-<counter>". Counts responses by status class per thread and
-- prints a machine-readable summary line at the end.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local bodies = {}
local run = os.getenv("WEBHOOK_RUN") or "run"
counter = 0
ok2xx, non2xx = 0, 0

function init(args)
  local path = os.getenv("WEBHOOK_BODIES")
  for line in io.lines(path) do
    local sig, body = line:match("^([^\t]+)\t([^\t]+)\t")
    bodies[#bodies + 1] = { sig, body }
  end
  if #bodies == 0 then
    error("no bodies in " .. tostring(path))
  end
end

function request()
  counter = counter + 1
  local b = bodies[(counter % #bodies) + 1]
  local headers = {
    ["Content-Type"] = "application/json",
    ["User-Agent"] = "GitHub-Hookshot/bench",
    ["X-GitHub-Event"] = "pull_request",
    ["X-GitHub-Delivery"] = run .. "-" .. tid .. "-" .. counter,
    ["X-Hub-Signature-256"] = b[1],
  }
  return wrk.format("POST", "/webhooks/github", headers, b[2])
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok2xx = ok2xx + 1
  else
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local ok, bad, sent = 0, 0, {}
  for _, t in ipairs(threads) do
    ok = ok + t:get("ok2xx")
    bad = bad + t:get("non2xx")
    sent[#sent + 1] = t:get("tid") .. ":" .. t:get("counter")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT ok2xx=%d non2xx=%d seconds=%.3f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d sent=%s\n",
    ok, bad, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, table.concat(sent, ",")))
end
