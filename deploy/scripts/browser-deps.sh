#!/usr/bin/env bash
# Chromium and a CJK font for the browser tests, from the Debian packages (playwright cannot
# download its own browsers here). Idempotent; skipped when both are present.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-wqy-microhei fontconfig >/dev/null
