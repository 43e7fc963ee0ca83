#!/usr/bin/env bash
# Pull request end to end: a generated 100-file Python pull request, from the signed
# `pull_request` webhook to the review and the completed check run on the in-process fake
# GitHub (tests/bench_pr.rs, an ignored-by-default test). See bench/README.md.
#
# Usage: bench/pr.sh          (a release build of the test, then ~10 s of rounds)
# Knobs (environment):
#   RUNS=5        timed rounds (after one warm-up round); each round is a new pull request
#   LATENCY_MS=0  delay every answer of the fake GitHub (a remote API's round trip); the
#                 default measures snakeguard itself over loopback
#
# Needs only Rust (cargo) and the usual shell tools: the test seeds the fake GitHub itself,
# asserts that the review holds exactly the planted findings, and prints one `BENCH_PR` line per
# round and a `BENCH_PR_SUMMARY` line. Raw output and the table: bench/.work/results/pr-<stamp>/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS="${RUNS:-5}"
LATENCY_MS="${LATENCY_MS:-0}"
case "$RUNS$LATENCY_MS" in '' | *[!0-9]*) die "RUNS and LATENCY_MS must be numbers" ;; esac
export LATENCY_MS

command -v cargo >/dev/null || die "cargo (Rust) is required"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$RESULTS/pr-$stamp"
mkdir -p "$out"
log "raw results in $out"

# Build first, so the compiler is not part of the load the rounds see.
log "cargo test --release --test bench_pr --no-run"
(cd "$REPO_DIR" && cargo test --release --test bench_pr --no-run --quiet) >"$out/build.txt" 2>&1 ||
    { tail -30 "$out/build.txt" >&2; die "the build failed (see $out/build.txt)"; }

{
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "nproc=$(nproc)"
    echo "cpu=$(awk -F':[ \t]*' '/^model name/ && !n { n = $2 } /^cpu family/ && !f { f = $2 }
        /^model[ \t]*:/ && !m { m = $2 } END { printf "%s (family %s, model %s)", n, f, m }' /proc/cpuinfo 2>/dev/null)"
    echo "rustc=$(rustc --version 2>/dev/null)"
    echo "runs=$RUNS"
    echo "latency_ms=$LATENCY_MS"
    echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
} >"$out/meta.txt"

log "cargo test --release --test bench_pr -- --ignored --nocapture (RUNS=$RUNS LATENCY_MS=$LATENCY_MS)"
if ! (cd "$REPO_DIR" && RUNS="$RUNS" cargo test --release --test bench_pr -- --ignored --nocapture) \
    >"$out/output.txt" 2>&1; then
    tail -40 "$out/output.txt" >&2
    die "the benchmark failed (full output: $out/output.txt)"
fi
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" >>"$out/meta.txt"

grep '^BENCH_PR round=' "$out/output.txt" >"$out/rounds.txt" || die "no BENCH_PR lines in $out/output.txt"
grep '^BENCH_PR_SUMMARY ' "$out/output.txt" >"$out/summary.txt" ||
    die "no BENCH_PR_SUMMARY line (RUNS=0?) in $out/output.txt"

# The key=value pairs of the summary line (numbers stay numbers) and the machine, as JSON.
awk '
function quote(text) { gsub(/["\\]/, "\\&", text); return "\"" text "\"" }
FNR == NR {
    key = substr($0, 1, index($0, "=") - 1)
    machine = machine sprintf("%s%s: %s", (machine == "" ? "" : ", "), quote(key), quote(substr($0, index($0, "=") + 1)))
    next
}
{
    printf "{"
    for (i = 2; i <= NF; i++) {
        split($i, kv, "=")
        value = kv[2]
        if (value !~ /^-?[0-9]+(\.[0-9]+)?$/) value = quote(value)
        printf "%s%s: %s", (i > 2 ? ", " : ""), quote(kv[1]), value
    }
    printf ", \"machine\": {%s}}\n", machine
}' "$out/meta.txt" "$out/summary.txt" >"$out/summary.json"

# The tables (markdown).
awk -v meta="$out/meta.txt" '
function field(line, key,    n, parts, i, kv) {
    n = split(line, parts, " ")
    for (i = 1; i <= n; i++) {
        split(parts[i], kv, "=")
        if (kv[1] == key) return kv[2]
    }
    return ""
}
function group(n,    s) {
    s = sprintf("%d", n)
    while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]([,]|$)/, ",&", s)
    return s
}
BEGIN {
    while ((getline line < meta) > 0) {
        split(line, kv, "=")
        m[kv[1]] = substr(line, length(kv[1]) + 2)
    }
}
/^BENCH_PR round=/ { rounds[++nr] = $0 }
/^BENCH_PR_SUMMARY / { s = $0 }
END {
    met = field(s, "target_met") == "yes" ? "**yes**" : "**no**"
    printf "Machine: nproc %s, %s; load average (1, 5, 15 min) %s before the rounds, %s after. Commit %s, %s. Simulated GitHub latency: %s ms per request.\n\n", \
        m["nproc"], m["cpu"], m["loadavg_start"], m["loadavg_end"], m["commit"], m["rustc"], \
        field(s, "latency_ms")
    print "| files (modified / added / renamed) | lines (head) | changed lines (+ / −) | planted = comments | rounds | wall median (ms) | min (ms) | max (ms) | target < 1 s (median) |"
    print "|---|---|---|---|---|---|---|---|---|"
    printf "| %s (%s / %s / %s) | %s | %s (+%s / −%s) | %s = %s | %s | %.0f | %.0f | %.0f | %s |\n\n", \
        field(s, "files"), field(s, "modified"), field(s, "added"), field(s, "renamed"), \
        group(field(s, "head_lines")), \
        group(field(s, "additions") + field(s, "deletions")), group(field(s, "additions")), group(field(s, "deletions")), \
        field(s, "planted"), field(rounds[nr], "comments"), field(s, "runs"), \
        field(s, "median_ms"), field(s, "min_ms"), field(s, "max_ms"), met
    print "Where the time goes (medians, ms; from the fake GitHub'"'"'s request timestamps):"
    print ""
    print "| webhook answered | queue (worker poll) | setup calls | fetch contents | analysis | review + check run | wall without queue | inside the fake | process CPU | GitHub calls |"
    print "|---|---|---|---|---|---|---|---|---|---|"
    printf "| %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %s |\n\n", \
        field(s, "median_accept_ms"), field(s, "median_queue_ms"), field(s, "median_setup_ms"), \
        field(s, "median_fetch_ms"), field(s, "median_analysis_ms"), field(s, "median_report_ms"), \
        field(s, "median_without_queue_ms"), field(s, "median_fake_ms"), field(s, "median_cpu_ms"), \
        field(s, "requests")
    print "| round | wall (ms) | queue | setup | fetch | analysis | report | CPU (ms) |"
    print "|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= nr; i++) {
        r = rounds[i]
        printf "| %s%s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s |\n", field(r, "round"), \
            (field(r, "warmup") == "true" ? " (warm-up)" : ""), field(r, "wall_ms"), \
            field(r, "queue_ms"), field(r, "setup_ms"), field(r, "fetch_ms"), \
            field(r, "analysis_ms"), field(r, "report_ms"), field(r, "cpu_ms")
    }
}' "$out/rounds.txt" "$out/summary.txt" | tee "$out/table.txt"

cp "$out/summary.json" "$RESULTS/pr-latest.json"
log "summary: $out/summary.json (also $RESULTS/pr-latest.json)"
