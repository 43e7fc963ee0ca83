#!/usr/bin/env bash
# Install the external tools the test suite drives (currently the SARIF validator) into
# .tools/ at the repository root. Idempotent: does nothing when the pinned versions are
# already installed. Requires node and npm.
#
#   scripts/setup-test-tools.sh
#
# tests/sarif_validate.rs runs `npx --no-install @microsoft/sarif-multitool validate FILE`
# from .tools/.
set -euo pipefail

SARIF_MULTITOOL_VERSION="5.7.0"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
pkg="$tools/node_modules/@microsoft/sarif-multitool"
binary="$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"

installed_version() {
    if [[ -f "$pkg/package.json" ]]; then
        node -p "require(process.argv[1]).version" "$pkg/package.json" 2>/dev/null || true
    fi
}

if [[ "$(installed_version)" == "$SARIF_MULTITOOL_VERSION" ]]; then
    echo "@microsoft/sarif-multitool $SARIF_MULTITOOL_VERSION already installed in .tools/"
else
    command -v npm >/dev/null || { echo "error: npm is required (install Node.js 18+)" >&2; exit 1; }
    mkdir -p "$tools"
    echo "installing @microsoft/sarif-multitool $SARIF_MULTITOOL_VERSION into .tools/"
    npm install --prefix "$tools" --no-audit --no-fund --save-exact \
        "@microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION"
fi

# npm may skip the package's postinstall script, which marks the native binary executable.
if [[ -f "$binary" && ! -x "$binary" ]]; then
    chmod u+x "$binary"
fi

if [[ "$(uname -s)" == "Linux" && ! -x "$binary" ]]; then
    echo "error: $binary missing after install" >&2
    exit 1
fi
echo "sarif-multitool ready: (cd .tools && npx --no-install @microsoft/sarif-multitool validate FILE)"

# check-jsonschema (PyPI) validates action.yml against the GitHub Actions metadata schema it
# ships (tests/review_cli.rs runs `.tools/venv/bin/check-jsonschema --builtin-schema
# vendor.github-actions action.yml`). Installed into a venv under .tools/venv.
CHECK_JSONSCHEMA_VERSION="0.33.0"
venv="$tools/venv"
if [[ -x "$venv/bin/check-jsonschema" ]] \
    && [[ "$("$venv/bin/check-jsonschema" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1)" == "$CHECK_JSONSCHEMA_VERSION" ]]; then
    echo "check-jsonschema $CHECK_JSONSCHEMA_VERSION already installed in .tools/venv"
else
    command -v python3 >/dev/null || { echo "error: python3 is required" >&2; exit 1; }
    # A venv copied or moved from another directory has scripts pointing at the old path:
    # start over unless its own pip runs.
    if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1 \
        || ! head -1 "$venv/bin/pip" 2>/dev/null | grep -qF "$venv/bin/python"; then
        rm -rf "$venv"
        python3 -m venv "$venv"
    fi
    echo "installing check-jsonschema $CHECK_JSONSCHEMA_VERSION into .tools/venv"
    "$venv/bin/python" -m pip install --quiet "check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
fi
echo "check-jsonschema ready: .tools/venv/bin/check-jsonschema --builtin-schema vendor.github-actions action.yml"
