# Shared helpers for the snakeguard benchmarks (sourced by bench/scan.sh and bench/scaling.sh).
#
# Everything generated lives in bench/.work (git-ignored): the peers' venv, the corpora, the raw
# results. Every step is idempotent: a second run reuses what the first one installed or fetched.

set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
WORK="${BENCH_WORK:-$BENCH_DIR/.work}"
VENV="$WORK/venv"
CORPORA="$WORK/corpora"
RESULTS="$WORK/results"
DOWNLOADS="$WORK/downloads"

# Pinned peers and corpora. Change a pin here and the venv / corpus is rebuilt on the next run.
BANDIT_VERSION=1.9.4
RUFF_VERSION=0.17.5
SEMGREP_VERSION=1.185.0
DJANGO_VERSION=5.2.19     # the 5.2 LTS; Django 6 needs Python >= 3.12
FLASK_VERSION=3.1.3
WERKZEUG_VERSION=3.1.9
JINJA2_VERSION=3.1.6

SNAKEGUARD="${SNAKEGUARD:-$REPO_DIR/target/release/snakeguard}"

# No network: semgrep must not try its version check or send metrics (it would hang on them).
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# two_builds SCRIPT ARG... : the two snakeguard binaries a comparison script was given, as
# absolute paths in A and B (dies with the script's usage otherwise).
two_builds() {
    local script="$1"; shift
    [ "$#" -eq 2 ] || die "usage: bench/$script BINARY_A BINARY_B"
    [ -x "$1" ] || die "not an executable: $1"
    [ -x "$2" ] || die "not an executable: $2"
    A="$(realpath "$1")"
    B="$(realpath "$2")"
}

# Debian tools: hyperfine, GNU time (/usr/bin/time -v), taskset (util-linux).
ensure_system_tools() {
    local missing=()
    command -v hyperfine >/dev/null || missing+=(hyperfine)
    [ -x /usr/bin/time ] || missing+=(time)
    command -v taskset >/dev/null || missing+=(util-linux)
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing ${missing[*]} with apt-get"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    python3 -c 'import venv' 2>/dev/null || die "python3 with the venv module is required"
}

# The release binary of this checkout (skipped when SNAKEGUARD points at a prebuilt one).
ensure_snakeguard() {
    if [ "$SNAKEGUARD" = "$REPO_DIR/target/release/snakeguard" ] && [ -z "${BENCH_NO_BUILD:-}" ]; then
        log "cargo build --release"
        (cd "$REPO_DIR" && cargo build --release --quiet)
    fi
    [ -x "$SNAKEGUARD" ] || die "no snakeguard binary at $SNAKEGUARD"
}

# Private venv with the pinned peers; a stamp file records what was installed.
ensure_venv() {
    local want="bandit==$BANDIT_VERSION ruff==$RUFF_VERSION semgrep==$SEMGREP_VERSION"
    if [ -f "$VENV/.stamp" ] && [ "$(cat "$VENV/.stamp")" = "$want" ]; then
        return
    fi
    log "creating $VENV with $want"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check $want
    echo "$want" >"$VENV/.stamp"
}

# Corpora: the local CPython stdlib, Django, and Flask + Werkzeug + Jinja2 (sdists from PyPI).
ensure_corpora() {
    mkdir -p "$CORPORA" "$DOWNLOADS"
    local stdlib
    stdlib="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')"
    local stdlib_stamp
    stdlib_stamp="$stdlib $(python3 -c 'import sys; print(sys.version.split()[0])')"
    if [ ! -f "$CORPORA/stdlib/.stamp" ] || [ "$(cat "$CORPORA/stdlib/.stamp")" != "$stdlib_stamp" ]; then
        log "copying the stdlib from $stdlib"
        rm -rf "$CORPORA/stdlib"
        mkdir -p "$CORPORA/stdlib"
        # Sources only: no site-packages (third-party code), no bytecode caches.
        (cd "$stdlib" && find . \( -name site-packages -o -name __pycache__ \) -prune -o -type f -print0 |
            cpio --null -pdm --quiet "$CORPORA/stdlib" 2>/dev/null) ||
            tar -C "$stdlib" --exclude=./site-packages --exclude=__pycache__ -cf - . | tar -C "$CORPORA/stdlib" -xf -
        echo "$stdlib_stamp" >"$CORPORA/stdlib/.stamp"
    fi
    fetch_sdists django "django==$DJANGO_VERSION"
    fetch_sdists flask "flask==$FLASK_VERSION" "werkzeug==$WERKZEUG_VERSION" "jinja2==$JINJA2_VERSION"
}

# fetch_sdists NAME REQ... : download the sdists (no wheels, no dependencies) and unpack them
# side by side into $CORPORA/NAME.
fetch_sdists() {
    local name="$1"; shift
    local want="$*"
    if [ -f "$CORPORA/$name/.stamp" ] && [ "$(cat "$CORPORA/$name/.stamp")" = "$want" ]; then
        return
    fi
    log "fetching sdists: $want"
    local dl="$DOWNLOADS/$name"
    rm -rf "$dl" "$CORPORA/$name"
    mkdir -p "$dl" "$CORPORA/$name"
    "$VENV/bin/pip" download --quiet --disable-pip-version-check --no-binary :all: --no-deps \
        --dest "$dl" "$@"
    local archive
    for archive in "$dl"/*.tar.gz; do
        tar -C "$CORPORA/$name" -xzf "$archive"
    done
    echo "$want" >"$CORPORA/$name/.stamp"
}

# corpus_stats DIR -> "FILES LINES" for the .py/.pyi files under DIR (no __pycache__).
corpus_stats() {
    python3 - "$1" <<'PY'
import os, sys
files = lines = 0
for root, dirs, names in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if d not in ("__pycache__",)]
    for name in names:
        if name.endswith((".py", ".pyi")):
            files += 1
            with open(os.path.join(root, name), "rb") as fh:
                lines += fh.read().count(b"\n")
print(files, lines)
PY
}

# peak_rss_mib CMD... : run CMD once under /usr/bin/time -v and print its peak RSS in MiB.
peak_rss_mib() {
    local out
    out="$(mktemp)"
    /usr/bin/time -v -o "$out" "$@" >/dev/null 2>&1 || true
    awk -F': ' '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }' "$out"
    rm -f "$out"
}
