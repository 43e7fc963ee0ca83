#!/usr/bin/env bash
# Webhook intake benchmark: the webhook receiver with its SQLite queue on loopback, wrk posting
# signed ~25 KB pull_request bodies with unique delivery ids, then checks that nothing
# acknowledged was lost and that bad signatures stored nothing.
#
#   bench/webhook.sh                      # defaults below
#   CONNS=32 DURATION=10s bench/webhook.sh
#   WINDOW_US=1000 bench/webhook.sh       # group-commit collection window (default 0)
#
# The figures are also written to bench/.work/results/webhook-<stamp>/summary.json (and
# webhook-latest.json beside it) with the machine, the commit and the load average.
#
# wrk is closed-loop: CONNS sets the offered concurrency, and latency rises with it once the
# disk's fsync time dominates (every answer waits for its batch's fsync; see src/store).
#
# The server is the example binary `webhook_server` (same code as `snakeguard serve`'s
# intake). After the load it is killed with SIGKILL, not stopped gracefully, so the check
# "every 2xx is in the database" also covers a crash right after answering.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-16}
BODIES=${BODIES:-1000}
PORT=${PORT:-38517}
WINDOW_US=${WINDOW_US:-0}
SECRET=bench-secret-$$
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/snakeguard-webhook-bench.XXXXXX")}
RESULTS="$ROOT/bench/.work/results"
OUT="$RESULTS/webhook-$(date -u +%Y%m%dT%H%M%SZ)"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get install -y wrk >/dev/null || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y wrk >/dev/null; }
fi

if [ -z "${SKIP_BUILD:-}" ]; then
  cargo build --release --quiet --example webhook_server
fi
SERVER="$ROOT/target/release/examples/webhook_server"

python3 bench/webhook_bodies.py "$SECRET" "$BODIES" tests/fixtures/webhooks/pull_request_opened.json \
  >"$WORK/bodies.tsv"
BODY_BYTES=$(head -1 "$WORK/bodies.tsv" | cut -f2 | wc -c)

DB="$WORK/bench.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
SNAKEGUARD_GITHUB_WEBHOOK_SECRET="$SECRET" "$SERVER" \
  --listen "127.0.0.1:$PORT" --database "$DB" --group-commit-window-us "$WINDOW_US" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
cleanup() { kill -9 "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null

run_wrk() { # run-id duration
  WEBHOOK_BODIES="$WORK/bodies.tsv" WEBHOOK_RUN="$1" \
    wrk -t"$THREADS" -c"$CONNS" -d"$2" --timeout 5s -s bench/webhook.lua \
    "http://127.0.0.1:$PORT/webhooks/github"
}

run_wrk warm "$WARMUP" >"$WORK/warmup.txt"
run_wrk main "$DURATION" | tee "$WORK/wrk.txt"

# Bad signatures: wrong secret, missing header, signature of another body.
BODY=$(head -1 "$WORK/bodies.tsv" | cut -f2)
GOOD_SIG=$(head -1 "$WORK/bodies.tsv" | cut -f1)
OTHER_SIG=$(sed -n 2p "$WORK/bodies.tsv" | cut -f1)
post() { # delivery-id [signature]
  curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/webhooks/github" \
    -H 'Content-Type: application/json' -H 'X-GitHub-Event: pull_request' \
    -H "X-GitHub-Delivery: $1" ${2:+-H "X-Hub-Signature-256: $2"} --data-binary "$BODY"
}
BAD=""
BAD+=$(post badsig-1 "sha256=$(printf '%064d' 0)")
BAD+=" "$(post badsig-2)
BAD+=" "$(post badsig-3 "$OTHER_SIG")
GOOD=$(post goodsig-1 "$GOOD_SIG")

# Crash the server: anything acknowledged must already be on disk.
disown "$SERVER_PID"
kill -9 "$SERVER_PID"
while kill -0 "$SERVER_PID" 2>/dev/null; do sleep 0.05; done
trap - EXIT

mkdir -p "$OUT"
python3 - "$DB" "$WORK/wrk.txt" "$WORK/bodies.tsv" "$CONNS" "$BAD" "$GOOD" "$BODY_BYTES" \
  "$OUT/summary.json" "$THREADS" "$DURATION" "$WINDOW_US" "$LOAD_START" \
  "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'EOF'
import datetime, json, os, platform, sqlite3, sys
db, wrk_out, bodies, conns, bad, good, body_bytes = sys.argv[1:8]
summary_path, threads, duration, window_us, load_start, commit = sys.argv[8:14]
conns = int(conns)
line = next(l for l in open(wrk_out) if l.startswith("RESULT "))
r = dict(kv.split("=", 1) for kv in line.split()[1:])
ok2xx, non2xx, seconds = int(r["ok2xx"]), int(r["non2xx"]), float(r["seconds"])
errors = sum(int(r[k]) for k in r if k.startswith("errors_"))
sent = {int(t): int(n) for t, n in (p.split(":") for p in r["sent"].split(","))}

c = sqlite3.connect(db)
assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
ids = [row[0] for row in c.execute("SELECT delivery_id FROM deliveries WHERE delivery_id LIKE 'main-%'")]
stored = len(ids)
per_thread = {}
for i in ids:
    _, t, n = i.split("-")
    per_thread.setdefault(int(t), set()).add(int(n))
problems = []
# Requests still in flight when wrk stopped may be stored without a counted response, but
# only the last ones each thread sent; a gap anywhere else would be a lost delivery.
for t, n_sent in sent.items():
    got = per_thread.get(t, set())
    # wrk calls request() once on the first thread's Lua state to check the request before
    # connecting; that request ("main-1-1") is never sent.
    first = 2 if t == 1 else 1
    missing = [n for n in range(first, n_sent + 1) if n not in got]
    early = [n for n in missing if n <= n_sent - conns]
    if early:
        problems.append(f"thread {t}: {len(early)} acknowledged-era deliveries missing, e.g. {early[:5]}")
    if got and max(got) > n_sent:
        problems.append(f"thread {t}: stored ids beyond those sent")
if not (ok2xx <= stored <= ok2xx + conns):
    problems.append(f"2xx={ok2xx} but stored={stored} (allowed: 2xx .. 2xx+{conns} in flight)")
if non2xx or errors:
    problems.append(f"non-2xx={non2xx} socket errors={errors}")
if c.execute("SELECT count(*) FROM deliveries WHERE delivery_id LIKE 'badsig-%'").fetchone()[0]:
    problems.append("a bad-signature delivery was stored")
if bad.split() != ["401", "401", "401"] or good != "202":
    problems.append(f"bad-signature answers {bad!r} (want 401s), good one {good!r} (want 202)")
# Every body is one PR at one head: exactly one pending job each, nothing else.
want = {(int(l.split("\t")[2]), l.split("\t")[3].strip()) for l in open(bodies)}
jobs = c.execute("SELECT pr_number, head_sha, state FROM jobs").fetchall()
pending = {(p, s) for p, s, st in jobs if st == "pending"}
if pending != want or len(jobs) != len(want):
    problems.append(f"jobs: {len(jobs)} rows, {len(pending)} pending, want {len(want)} pending")
total = c.execute("SELECT count(*) FROM deliveries").fetchone()[0]

print()
print(f"body size            {body_bytes.strip()} bytes, {len(want)} distinct signed bodies")
print(f"accepted (2xx)       {ok2xx} in {seconds:.2f} s = {ok2xx / seconds:.0f} deliveries/s")
print(f"latency              p50 {float(r['p50_ms']):.2f} ms, p90 {float(r['p90_ms']):.2f} ms, "
      f"p99 {float(r['p99_ms']):.2f} ms, max {float(r['max_ms']):.2f} ms")
print(f"stored (this run)    {stored} deliveries ({stored - ok2xx} were in flight at the cut-off); "
      f"{total} rows in all; {len(jobs)} jobs")
print(f"bad signatures       {bad} -> none stored; control with good signature -> {good}")
if problems:
    print("FAILED:\n  " + "\n  ".join(problems))
    sys.exit(1)
print("OK: every acknowledged delivery survived kill -9; nothing lost, nothing unsigned stored")
# Only a run that passed every check above gets here: "lost" is the checked count, zero.
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
summary = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "commit": commit,
    "machine": {"nproc": len(os.sched_getaffinity(0)), "cpu": cpu, "kernel": platform.release(),
                "loadavg_start": load_start, "loadavg_end": " ".join(map(str, os.getloadavg()))},
    "wrk": {"threads": int(threads), "connections": conns, "duration": duration},
    "group_commit_window_us": int(window_us),
    "body_bytes": int(body_bytes), "distinct_bodies": len(want),
    "accepted_2xx": ok2xx, "seconds": seconds, "deliveries_per_s": round(ok2xx / seconds),
    "latency_ms": {k: float(r[k + "_ms"]) for k in ("p50", "p90", "p99", "max")},
    "stored": stored, "jobs": len(jobs), "bad_signature_answers": bad.split(), "lost": 0,
    "targets": {"deliveries_per_s": 2000, "p99_ms": 25,
                "met": ok2xx / seconds >= 2000 and float(r["p99_ms"]) < 25},
}
json.dump(summary, open(summary_path, "w"), indent=2)
print(f"summary              {summary_path}")
EOF
cp "$OUT/summary.json" "$RESULTS/webhook-latest.json"
echo "work directory: $WORK"
