#!/usr/bin/env bash
# Debian's ffmpeg, for `npm run demo:video` (it encodes the recorded frames). Idempotent: returns at
# once when it is installed.
set -euo pipefail
if command -v ffmpeg >/dev/null; then
	exit 0
fi
source "$(dirname "$0")/apt-install.sh"
apt_install ffmpeg
ffmpeg -version | head -1
