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
