#!/usr/bin/env bash
# Side-by-side scan benchmark: snakeguard against ruff --select S, bandit and semgrep, plus
# snakeguard's parse-only floor, on three corpora (CPython stdlib, Django, Flask + Werkzeug +
# Jinja2), on all cores and pinned to one core. See bench/README.md.
#
# Usage: bench/scan.sh            (everything; ~20-30 minutes on 2 noisy cores, most of it bandit
#                                  and semgrep on the stdlib)
# Knobs (environment):
#   RUNS=5            timed runs of the fast tools (snakeguard, parse floor, ruff)
#   SLOW_RUNS=3       timed runs of bandit and semgrep on all cores (minutes each on the stdlib)
#   SLOW_RUNS_PINNED=0  the same on one core (off by default to bound the run time: bandit is one
#                     process anyway, so its all-cores time is its one-core time; semgrep would
#                     get --jobs 1)
#   WARMUP=1          untimed warm-up rounds of the fast tools (fills the page cache)
#   CORPORA_LIST="stdlib django flask"
#   MODES="all one"   all = every core, one = `taskset -c 0`
#   TOOLS="snakeguard no-taint parse ruff bandit semgrep"
#                     (no-taint = snakeguard with its taint pass off, `--ignore taint`: the
#                     pattern rules alone, the like-for-like comparison with ruff --select S)
#   SEMGREP_LIMIT=600 drop semgrep from a corpus once one run took longer (seconds)
#   SNAKEGUARD=path   benchmark that binary instead of building this checkout
#
# Measurement: each round is ONE hyperfine invocation (--runs 1, JSON export) over all the tools,
# in an order rotated every round, so the tools alternate in time and share the machine's noise.
# Every command runs under GNU time (`/usr/bin/time -f '%e %U %S %M'`), which records the peak
# RSS of every run (about 1 ms of overhead). Raw data: bench/.work/results/scan-<stamp>/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS="${RUNS:-5}"
SLOW_RUNS="${SLOW_RUNS:-3}"
SLOW_RUNS_PINNED="${SLOW_RUNS_PINNED:-0}"
WARMUP="${WARMUP:-1}"
CORPORA_LIST="${CORPORA_LIST:-stdlib django flask}"
MODES="${MODES:-all one}"
TOOLS="${TOOLS:-snakeguard no-taint parse ruff bandit semgrep}"
SEMGREP_LIMIT="${SEMGREP_LIMIT:-600}"

ensure_system_tools
ensure_snakeguard
ensure_venv
ensure_corpora

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$RESULTS/scan-$stamp"
mkdir -p "$out"
log "raw results in $out"

is_slow() { [ "$1" = bandit ] || [ "$1" = semgrep ]; }

# tool_command TOOL DIR JOBS -> the command line (no shell; hyperfine -N splits it).
tool_command() {
    local tool="$1" dir="$2" jobs="$3"
    case "$tool" in
        snakeguard) echo "$SNAKEGUARD scan $dir --format sarif --output /dev/null --fail-on never" ;;
        no-taint) echo "$SNAKEGUARD scan $dir --ignore taint --format sarif --output /dev/null --fail-on never" ;;
        parse) echo "$SNAKEGUARD debug parse $dir" ;;
        ruff) echo "$VENV/bin/ruff check --isolated --no-cache --select S --exit-zero --quiet $dir" ;;
        # bandit exits 1 when it finds something: hyperfine -i ignores the status.
        bandit) echo "$VENV/bin/bandit -r -q $dir" ;;
        # The local reduced rule set (see bench/semgrep-rules.yml). --no-git-ignore and
        # --x-ignore-semgrepignore-files make semgrep scan the same files as the other tools
        # (the corpora sit in a git-ignored folder, and semgrep's default ignore skips tests/).
        semgrep) echo "$VENV/bin/semgrep scan --jobs $jobs --no-git-ignore --x-ignore-semgrepignore-files --config $BENCH_DIR/semgrep-rules.yml --metrics=off --disable-version-check --quiet $dir" ;;
        *) die "unknown tool $tool" ;;
    esac
}

# Machine and versions, for the report.
python3 - "$out/meta.json" "$SNAKEGUARD" "$VENV" "$RUNS" "$SLOW_RUNS" "$SLOW_RUNS_PINNED" "$WARMUP" <<'PY'
import json, os, platform, subprocess, sys, datetime
path, sg, venv, runs, slow_runs, slow_runs_pinned, warmup = sys.argv[1:]
def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""
meta = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "nproc": os.cpu_count() and len(os.sched_getaffinity(0)),
    "cpu": next((l.split(":", 1)[1].strip() for l in sh("lscpu").splitlines() if l.startswith("Model name")), ""),
    "mem_total_mib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20),
    "kernel": platform.release(),
    "python": platform.python_version(),
    "versions": {
        "snakeguard": sh(sg, "--version"),
        "ruff": sh(f"{venv}/bin/ruff", "--version"),
        "bandit": (sh(f"{venv}/bin/bandit", "--version").splitlines() or [""])[0],
        "semgrep": sh(f"{venv}/bin/semgrep", "--version", "--disable-version-check"),
        "hyperfine": sh("hyperfine", "--version"),
    },
    "runs": int(runs), "slow_runs": int(slow_runs), "slow_runs_pinned": int(slow_runs_pinned), "warmup_rounds": int(warmup),
    "loadavg_start": os.getloadavg(),
    "corpora": {},
}
json.dump(meta, open(path, "w"), indent=2)
PY
# The commit of the checkout the binary was built from.
python3 - "$out/meta.json" "$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'PY'
import json, sys
meta = json.load(open(sys.argv[1])); meta["versions"]["snakeguard_commit"] = sys.argv[2]
json.dump(meta, open(sys.argv[1], "w"), indent=2)
PY

# Every tool runs from the corpus's project root with `.` as its argument, as a user runs it
# in a checkout: module names then come out right (`json.decoder`, `django.db.models`), which
# snakeguard needs to follow taint across modules. A corpus holding exactly one project (the
# Django sdist) is entered; the Flask corpus holds three projects and is scanned from above.
project_root() {
    local dir="$1" children
    children=("$dir"/*/)
    if [ "${#children[@]}" -eq 1 ] && [ -z "$(find "$dir" -maxdepth 1 -name '*.py' -print -quit)" ]; then
        (cd "${children[0]}" && pwd)
    else
        echo "$dir"
    fi
}

for corpus in $CORPORA_LIST; do
    dir="$CORPORA/$corpus"
    rundir="$(project_root "$dir")"
    read -r files lines < <(corpus_stats "$dir")
    python3 - "$out/meta.json" "$corpus" "$files" "$lines" <<'PY'
import json, sys
path, corpus, files, lines = sys.argv[1:]
meta = json.load(open(path)); meta["corpora"][corpus] = {"files": int(files), "lines": int(lines)}
json.dump(meta, open(path, "w"), indent=2)
PY
    log "corpus $corpus: $files files, $lines lines"
    for mode in $MODES; do
        case "$mode" in
            all) pin=""; jobs="$(nproc)"; slow_runs="$SLOW_RUNS" ;;
            one) pin="taskset -c 0 "; jobs=1; slow_runs="$SLOW_RUNS_PINNED" ;;
            *) die "unknown mode $mode (all | one)" ;;
        esac
        tools=($TOOLS)
        semgrep_dropped=""
        total_rounds=$((WARMUP + RUNS))
        for ((round = 1; round <= total_rounds; round++)); do
            timed=$((round - WARMUP))
            this=()
            for tool in "${tools[@]}"; do
                if is_slow "$tool"; then
                    # Slow tools: no warm-up (the fast tools already warmed the page cache).
                    [ "$timed" -ge 1 ] && [ "$timed" -le "$slow_runs" ] || continue
                    [ "$tool" = semgrep ] && [ -n "$semgrep_dropped" ] && continue
                fi
                this+=("$tool")
            done
            # Rotate the order every round so no tool always runs first or after the same one.
            n=${#this[@]}
            args=()
            for ((i = 0; i < n; i++)); do
                tool="${this[$(((i + round) % n))]}"
                if [ "$timed" -ge 1 ]; then
                    tfile="$out/$corpus-$mode-$tool.time"
                else
                    tfile="$out/$corpus-$mode-$tool.warmup.time"
                fi
                args+=(-n "$tool" "${pin}/usr/bin/time -f %e\\ %U\\ %S\\ %M -a -o $tfile $(tool_command "$tool" . "$jobs")")
            done
            if [ "$timed" -ge 1 ]; then
                json="$out/$corpus-$mode-r$timed.json"
                log "$corpus/$mode round $timed/$RUNS: ${this[*]}"
            else
                json="$out/$corpus-$mode-warmup$round.json"
                log "$corpus/$mode warm-up: ${this[*]}"
            fi
            (cd "$rundir" && hyperfine -N -i --runs 1 --style none --export-json "$json" "${args[@]}" >/dev/null)
            if [ -z "$semgrep_dropped" ] && [ -f "$out/$corpus-$mode-semgrep.time" ]; then
                last="$(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$' "$out/$corpus-$mode-semgrep.time" | tail -1 | cut -d' ' -f1)"
                if [ -n "$last" ] && python3 -c "import sys; sys.exit(0 if float('$last') > $SEMGREP_LIMIT else 1)"; then
                    log "semgrep took ${last}s on $corpus/$mode (> ${SEMGREP_LIMIT}s): no more semgrep runs here"
                    semgrep_dropped=1
                    echo "semgrep stopped after one run over ${SEMGREP_LIMIT}s" >"$out/$corpus-$mode-semgrep.note"
                fi
            fi
        done
    done
done

python3 - "$out/meta.json" <<'PY'
import json, os, sys
meta = json.load(open(sys.argv[1])); meta["loadavg_end"] = os.getloadavg()
json.dump(meta, open(sys.argv[1], "w"), indent=2)
PY
python3 "$BENCH_DIR/summarize.py" scan "$out" | tee "$out/table.txt"
cp "$out/summary.json" "$RESULTS/scan-latest.json"
log "summary: $out/summary.json (also $RESULTS/scan-latest.json)"
