#!/usr/bin/env bash
# Debian's Chromium, for the browser suite (test/browser/, driven by playwright-core)
# and `npm run screenshot`. Idempotent: returns at once when it is installed.
set -euo pipefail
if [[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then
	exit 0
fi
source "$(dirname "$0")/apt-install.sh"
apt_install chromium
chromium --version
