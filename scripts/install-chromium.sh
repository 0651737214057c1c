#!/usr/bin/env bash
# Debian's Chromium, for the browser suite (test/browser/, driven by playwright-core)
# and `npm run screenshot`. Idempotent: returns at once when it is installed.
set -euo pipefail
if [[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then
	exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
	echo "[install-chromium] chromium is missing; as root run: apt-get update && apt-get install -y chromium" >&2
	exit 1
fi
echo "[install-chromium] installing chromium (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
chromium --version
