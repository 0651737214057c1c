#!/usr/bin/env bash
# Debian's redis-server, for the queue-mode tests (test/n8n/queue-mode.ts starts its own on
# loopback; the system service is not used). Idempotent: returns at once when it is installed.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1 || [[ -x /usr/bin/redis-server ]]; then
	exit 0
fi
source "$(dirname "$0")/apt-install.sh"
apt_install redis-server
# The package's service is not wanted: the tests start their own server on a free port.
if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
redis-server --version
