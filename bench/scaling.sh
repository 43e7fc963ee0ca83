#!/usr/bin/env bash
# Scaling benchmark: snakeguard, snakeguard without its taint pass (`--ignore taint`) and the
# parse-only floor on ¼, ½, 1, 2 and 4 copies of the CPython stdlib, all cores. Linear growth =
# time and CPU per file stay constant; the difference between the first two is the taint pass on
# its own (prefilter, interpretation and the facts pattern rules read).
#
# Usage: bench/scaling.sh     (a few minutes)
# Knobs: RUNS=5, WARMUP=1, SIZES="x0.25 x0.5 x1 x2 x4", SNAKEGUARD=path (as in scan.sh)
#
# Fractions sub-sample the stdlib's .py files deterministically (every 4th / every 2nd file in
# sorted path order, so ¼ is a subset of ½); multiples copy the whole stdlib into numbered
# subdirectories 1/, 2/, ... Each round is one hyperfine invocation over every size and both
# commands, in an order rotated per round, so sizes share the machine's noise. Peak RSS of every
# run is recorded by GNU time. Raw data: bench/.work/results/scaling-<stamp>/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS="${RUNS:-5}"
WARMUP="${WARMUP:-1}"
SIZES="${SIZES:-x0.25 x0.5 x1 x2 x4}"

ensure_system_tools
ensure_snakeguard
ensure_venv
ensure_corpora

# Build bench/.work/corpora/scaling/<size> from the stdlib copy (Python sources only).
SCALING="$CORPORA/scaling"
mkdir -p "$SCALING"
for size in $SIZES; do
    [ -f "$SCALING/$size/.stamp" ] && [ "$(cat "$SCALING/$size/.stamp")" = "$(cat "$CORPORA/stdlib/.stamp")" ] && continue
    log "building the $size corpus"
    rm -rf "${SCALING:?}/$size"
    python3 - "$CORPORA/stdlib" "$SCALING/$size" "$size" <<'PY'
import os, shutil, sys
source, target, size = sys.argv[1], sys.argv[2], float(sys.argv[3].lstrip("x"))
files = []
for root, dirs, names in os.walk(source):
    dirs[:] = sorted(d for d in dirs if d != "__pycache__")
    files += [os.path.relpath(os.path.join(root, n), source) for n in names if n.endswith((".py", ".pyi"))]
files.sort()
def copy(rel, dest_root):
    dest = os.path.join(dest_root, rel)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.copyfile(os.path.join(source, rel), dest)
if size < 1:
    step = round(1 / size)
    for i, rel in enumerate(files):
        if i % step == 0:
            copy(rel, target)
else:
    for copy_no in range(1, int(size) + 1):
        for rel in files:
            copy(rel, os.path.join(target, str(copy_no)))
PY
    cp "$CORPORA/stdlib/.stamp" "$SCALING/$size/.stamp"
done

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$RESULTS/scaling-$stamp"
mkdir -p "$out"
log "raw results in $out"

python3 - "$out/meta.json" "$RUNS" "$WARMUP" "$SNAKEGUARD" "$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'PY'
import datetime, json, os, subprocess, sys
path, runs, warmup, sg, commit = sys.argv[1:]
lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
json.dump({
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "nproc": len(os.sched_getaffinity(0)),
    "cpu": next((l.split(":", 1)[1].strip() for l in lscpu if l.startswith("Model name")), ""),
    "snakeguard": subprocess.run([sg, "--version"], capture_output=True, text=True).stdout.strip(),
    "snakeguard_commit": commit,
    "runs": int(runs), "warmup_rounds": int(warmup),
    "loadavg_start": os.getloadavg(),
    "corpora": {},
}, open(path, "w"), indent=2)
PY

commands=()
for size in $SIZES; do
    read -r files lines < <(corpus_stats "$SCALING/$size")
    python3 - "$out/meta.json" "$size" "$files" "$lines" <<'PY'
import json, sys
path, size, files, lines = sys.argv[1:]
meta = json.load(open(path)); meta["corpora"][size] = {"files": int(files), "lines": int(lines)}
json.dump(meta, open(path, "w"), indent=2)
PY
    log "$size: $files files, $lines lines"
    commands+=("snakeguard@$size" "$SNAKEGUARD scan $SCALING/$size --format sarif --output /dev/null --fail-on never")
    commands+=("no-taint@$size" "$SNAKEGUARD scan $SCALING/$size --ignore taint --format sarif --output /dev/null --fail-on never")
    commands+=("parse@$size" "$SNAKEGUARD debug parse $SCALING/$size")
done

n=$((${#commands[@]} / 2))
for ((round = 1; round <= WARMUP + RUNS; round++)); do
    timed=$((round - WARMUP))
    args=()
    for ((i = 0; i < n; i++)); do
        j=$(((i + round) % n))
        name="${commands[$((2 * j))]}"
        cmd="${commands[$((2 * j + 1))]}"
        tool="${name%@*}"; size="${name#*@}"
        if [ "$timed" -ge 1 ]; then tfile="$out/$tool-$size.time"; else tfile="$out/$tool-$size.warmup.time"; fi
        args+=(-n "$name" "/usr/bin/time -f %e\\ %U\\ %S\\ %M -a -o $tfile $cmd")
    done
    if [ "$timed" -ge 1 ]; then
        json="$out/scaling-r$timed.json"; log "round $timed/$RUNS"
    else
        json="$out/warmup$round.json"; log "warm-up round"
    fi
    hyperfine -N -i --runs 1 --style none --export-json "$json" "${args[@]}" >/dev/null
done

python3 - "$out/meta.json" <<'PY'
import json, os, sys
meta = json.load(open(sys.argv[1])); meta["loadavg_end"] = os.getloadavg()
json.dump(meta, open(sys.argv[1], "w"), indent=2)
PY
python3 "$BENCH_DIR/summarize.py" scaling "$out" | tee "$out/table.txt"
cp "$out/summary.json" "$RESULTS/scaling-latest.json"
log "summary: $out/summary.json (also $RESULTS/scaling-latest.json)"
