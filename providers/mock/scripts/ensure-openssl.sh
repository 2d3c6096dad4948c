#!/usr/bin/env bash
# The TLS tests make throwaway certificates with the openssl CLI; install it on a bare machine.
set -euo pipefail
command -v openssl >/dev/null && exit 0
echo "[mock tests] installing openssl" >&2
apt-get update -qq >&2 && apt-get install -y -qq openssl >&2
command -v openssl >/dev/null || { echo "[mock tests] openssl could not be installed" >&2; exit 1; }
