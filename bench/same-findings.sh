#!/usr/bin/env bash
# The check every speed change passes before it is kept: two snakeguard builds must report the
# same findings on every corpus, and write the same SARIF and text.
#
# Usage: bench/same-findings.sh BINARY_A BINARY_B       (exit status 1 when anything differs)
#
# Scans the roots of the stdlib, Django, Flask, Werkzeug and Jinja2 (each from its own root, as
# a user runs it in a checkout) and this repository's examples/ and tests/fixtures/. Findings
# are compared as sorted JSON objects (every field), so order and formatting do not matter;
# the SARIF and text reports are compared byte for byte (their order is deterministic).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

two_builds same-findings.sh "$@"

ensure_system_tools
ensure_venv
ensure_corpora

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# findings FILE.json -> one sorted line per finding (keys sorted), after a count line.
findings() {
    python3 - "$1" <<'PY'
import json
import sys

found = json.load(open(sys.argv[1]))["findings"]
print(len(found))
for line in sorted(json.dumps(finding, sort_keys=True) for finding in found):
    print(line)
PY
}

roots=(
    "$CORPORA/stdlib"
    "$CORPORA/django/django-$DJANGO_VERSION"
    "$CORPORA/flask/flask-$FLASK_VERSION"
    "$CORPORA/flask/werkzeug-$WERKZEUG_VERSION"
    "$CORPORA/flask/jinja2-$JINJA2_VERSION"
    "$REPO_DIR/examples"
    "$REPO_DIR/tests/fixtures"
)
status=0
for root in "${roots[@]}"; do
    name="${root#"$CORPORA"/}"
    name="${name#"$REPO_DIR"/}"
    for format in json sarif text; do
        for side in A B; do
            binary="$A"
            [ "$side" = B ] && binary="$B"
            (cd "$root" && "$binary" scan . --format "$format" --fail-on never) \
                >"$work/$side.$format" 2>/dev/null || die "$binary failed in $root"
        done
    done
    findings "$work/A.json" >"$work/A.found"
    findings "$work/B.json" >"$work/B.found"
    verdict="same findings ($(head -1 "$work/A.found"))"
    if ! cmp -s "$work/A.found" "$work/B.found"; then
        verdict="DIFFERENT FINDINGS ($(head -1 "$work/A.found") vs $(head -1 "$work/B.found"))"
        status=1
    fi
    for format in sarif text; do
        if cmp -s "$work/A.$format" "$work/B.$format"; then
            verdict="$verdict, same $format"
        else
            verdict="$verdict, DIFFERENT $format"
            status=1
        fi
    done
    printf '%-28s %s\n' "$name" "$verdict"
done
[ "$status" = 0 ] && log "identical on every corpus" || log "the builds differ (see above)"
exit "$status"
