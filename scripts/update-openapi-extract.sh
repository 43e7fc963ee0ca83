#!/usr/bin/env bash
# Regenerates tests/fixtures/openapi/github-extract.json: the operations snakeguard calls, taken
# from GitHub's official OpenAPI description (npm @octokit/openapi, dereferenced variant), with
# descriptions stripped. The fake GitHub in tests/support validates every request against it.
#
# Usage: scripts/update-openapi-extract.sh [VERSION]   (default: the newest release)
set -euo pipefail
version="${1:-latest}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund "@octokit/openapi@$version" >/dev/null)
installed="$(node -p "require('$work/node_modules/@octokit/openapi/package.json').version")"
OPENAPI_VERSION="$installed" node - "$work/node_modules/@octokit/openapi/generated/api.github.com.deref.json" \
  "$root/tests/fixtures/openapi/github-extract.json" <<'JS'
const fs = require("fs");
const [source, target] = process.argv.slice(2);
const spec = JSON.parse(fs.readFileSync(source, "utf8"));
// Every REST operation src/forge/github calls (GraphQL is validated by hand in the fake).
const wanted = [
  ["post", "/app/installations/{installation_id}/access_tokens"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}/files"],
  ["get", "/repos/{owner}/{repo}/compare/{basehead}"],
  ["get", "/repos/{owner}/{repo}/contents/{path}"],
  ["get", "/repos/{owner}/{repo}/git/blobs/{file_sha}"],
  ["get", "/repos/{owner}/{repo}/git/trees/{tree_sha}"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}/comments"],
  ["post", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"],
  ["post", "/repos/{owner}/{repo}/pulls/{pull_number}/comments"],
  ["post", "/repos/{owner}/{repo}/check-runs"],
  ["patch", "/repos/{owner}/{repo}/check-runs/{check_run_id}"],
  ["post", "/repos/{owner}/{repo}/statuses/{sha}"],
  ["post", "/repos/{owner}/{repo}/code-scanning/sarifs"],
];
// Drop prose; keep everything a validator or a response template needs.
const strip = (value) => {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === "object") {
    const out = {};
    for (const [key, inner] of Object.entries(value)) {
      if (["description", "summary", "externalDocs", "x-github", "title"].includes(key) && typeof inner !== "object" || key === "externalDocs" || key === "x-github") continue;
      out[key] = strip(inner);
    }
    return out;
  }
  return value;
};
const operations = [];
for (const [method, path] of wanted) {
  const op = spec.paths[path] && spec.paths[path][method];
  if (!op) throw new Error(`missing operation ${method.toUpperCase()} ${path}`);
  const responses = {};
  for (const [status, response] of Object.entries(op.responses || {})) {
    if (!status.startsWith("2")) continue;
    const media = (response.content || {})["application/json"] || {};
    const examples = Object.values(media.examples || {}).map((e) => e.value);
    responses[status] = { schema: strip(media.schema || null), example: examples[0] ?? null };
  }
  const body = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
  operations.push({
    operationId: op.operationId,
    method: method.toUpperCase(),
    path,
    parameters: (op.parameters || []).map((p) => ({ name: p.name, in: p.in, required: !!p.required, schema: strip(p.schema) })),
    requestBody: body ? { required: !!op.requestBody.required, schema: strip(body.schema) } : null,
    responses,
  });
}
const out = { source: "@octokit/openapi " + process.env.OPENAPI_VERSION + " (api.github.com.deref.json)", openapi: spec.openapi, operations };
fs.writeFileSync(target, JSON.stringify(out, null, 1) + "\n");
console.error(`wrote ${operations.length} operations to ${target}`);
JS
