#!/usr/bin/env bash
# Builds Caddy with this checkout of the module, the way a contributor or an
# air-gapped user does: xcaddy's "module@version=path" form points the build
# at the local tree instead of the module proxy (which does not know the
# module path before it is published). Not part of the test run: it takes a
# couple of minutes. Usage: scripts/xcaddy-local.sh [output-binary]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-./caddy}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
if ! command -v xcaddy >/dev/null 2>&1; then
	go install github.com/caddyserver/xcaddy/cmd/xcaddy@latest
	PATH="$(go env GOPATH)/bin:$PATH"
fi
xcaddy build --output "$out" --with "github.com/sira-ai/caddy-ai-backends@v0.0.0=$PWD"
"$out" list-modules | grep -q '^http.handlers.ai_backends$'
echo "built $out with http.handlers.ai_backends"
