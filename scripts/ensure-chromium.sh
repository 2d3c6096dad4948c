#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (playwright-core drives it; its
# own browser download cannot work here). Checks the binary, not apt's exit code: apt-get has
# been seen to exit 100 after installing chromium, with unrelated packages half-configured.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then exit 0; fi
echo "[chromium] installing Debian's chromium" >&2
export DEBIAN_FRONTEND=noninteractive
apt_log="$(mktemp)"
{ apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } >"$apt_log" 2>&1 || true
if [ ! -x "$CHROMIUM" ]; then
  cat "$apt_log" >&2
  echo "[chromium] $CHROMIUM is still missing after apt-get install chromium" >&2
  exit 1
fi
rm -f "$apt_log"
