#!/usr/bin/env bash
# Two snakeguard builds timed against each other, interleaved: A, B, A, B, ... on one corpus, so
# both share the same stretch of a noisy machine. This is how a change of a few percent is
# measured here (a single side-by-side run moves more than that with the host's load).
#
# Usage: bench/ab.sh BINARY_A BINARY_B
# Knobs: RUNS=30 (runs of each), CORPUS=stdlib (stdlib, django or flask), PIN=1 (both pinned to
#        core 0 with taskset), FORMAT=sarif (the scan's output format, written to /dev/null)
#
# Prints the medians of wall time, CPU (user + sys), peak RSS and minor page faults of each,
# and B ÷ A. Every run is `snakeguard scan . --format FORMAT --output /dev/null --fail-on never`
# in the corpus's project root, as bench/scan.sh runs it. Keep a copy of each binary outside
# target/ (cp target/release/snakeguard /tmp/sg-a) before rebuilding the other.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

two_builds ab.sh "$@"
RUNS="${RUNS:-30}"
CORPUS="${CORPUS:-stdlib}"
FORMAT="${FORMAT:-sarif}"

ensure_system_tools
ensure_venv
ensure_corpora

case "$CORPUS" in
stdlib) root="$CORPORA/stdlib" ;;
django) root="$CORPORA/django/django-$DJANGO_VERSION" ;;
flask) root="$CORPORA/flask" ;;
*) die "CORPUS must be stdlib, django or flask" ;;
esac
pin=()
pinned=""
if [ "${PIN:-0}" = 1 ]; then
    pin=(taskset -c 0)
    pinned=" (pinned to core 0)"
fi

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
log "$RUNS runs each, interleaved, in $root$pinned; load average $(cut -d' ' -f1 /proc/loadavg)"
cd "$root"
for _ in $(seq "$RUNS"); do
    for side in A B; do
        binary="$A"
        [ "$side" = B ] && binary="$B"
        /usr/bin/time -a -o "$out" -f "$side %e %U %S %M %R" "${pin[@]}" "$binary" scan . \
            --format "$FORMAT" --output /dev/null --fail-on never >/dev/null 2>&1 ||
            die "$binary failed in $root"
    done
done
log "load average at the end $(cut -d' ' -f1 /proc/loadavg)"

python3 - "$out" "$A" "$B" <<'PY'
import statistics
import sys

runs = {"A": [], "B": []}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 6 and parts[0] in runs:
        wall, user, system, rss_kib, faults = map(float, parts[1:])
        runs[parts[0]].append((wall, user + system, rss_kib / 1024, faults))

medians = {
    side: [statistics.median(run[i] for run in rows) for i in range(4)]
    for side, rows in runs.items()
}
print(f"A: {sys.argv[2]}\nB: {sys.argv[3]}\n")
print("| build | runs | wall median (s) | CPU median (s) | peak RSS median (MiB) | minor faults median |")
print("|---|---|---|---|---|---|")
for side, (wall, cpu, rss, faults) in medians.items():
    print(f"| {side} | {len(runs[side])} | {wall:.3f} | {cpu:.3f} | {rss:.1f} | {faults:.0f} |")
a, b = medians["A"], medians["B"]
print(f"\nB ÷ A: wall {b[0] / a[0]:.3f}, CPU {b[1] / a[1]:.3f}, peak RSS {b[2] / a[2]:.3f}")
PY
