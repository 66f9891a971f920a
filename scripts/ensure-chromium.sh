#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the real-browser tests.
# As root it installs it (apt); otherwise it says how. In CI a missing browser is a failure.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
if [ -n "${CI:-}" ]; then
  echo "error: /usr/bin/chromium is missing and cannot be installed (not root or no apt-get)." >&2
  exit 1
fi
echo "warning: /usr/bin/chromium is missing; browser tests will be skipped. Install it: sudo apt-get install -y chromium" >&2
