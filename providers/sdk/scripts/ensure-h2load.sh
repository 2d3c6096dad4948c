#!/usr/bin/env bash
# Makes sure nghttp2's h2load (Debian package nghttp2-client) is installed: the Describe
# benchmark's load generator. Checks the binary, not apt-get's exit code (apt-get has been seen to
# exit non-zero after installing, with unrelated packages half-configured).
set -euo pipefail
if command -v h2load >/dev/null; then exit 0; fi
echo "[h2load] installing Debian's nghttp2-client" >&2
export DEBIAN_FRONTEND=noninteractive
apt_log="$(mktemp)"
{ apt-get update -qq && apt-get install -y -qq --no-install-recommends nghttp2-client; } >"$apt_log" 2>&1 || true
if ! command -v h2load >/dev/null; then
  cat "$apt_log" >&2
  echo "[h2load] h2load is still missing after apt-get install nghttp2-client" >&2
  exit 1
fi
rm -f "$apt_log"
