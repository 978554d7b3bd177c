#!/usr/bin/env bash
# Installs Debian's Chromium for the HTML report's browser test
# (reports/render-html.browser.test.ts drives /usr/bin/chromium through
# playwright-core; under CI=true that test fails when Chromium is missing).
# Non-interactive, idempotent (does nothing when Chromium is there), quiet
# (apt's output only on failure). Debian 12 (bookworm) or newer.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ] && "$CHROMIUM" --version >/dev/null 2>&1; then
  echo "chromium: already installed ($("$CHROMIUM" --version 2>/dev/null | head -n 1))"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "chromium: not installed, and neither root nor sudo is available to install it" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { "${as_root[@]}" apt-get update -qq &&
  "${as_root[@]}" apt-get install -y -qq chromium; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "chromium: apt-get install chromium failed" >&2
  exit 1
fi
echo "chromium: installed ($("$CHROMIUM" --version 2>/dev/null | head -n 1))"
