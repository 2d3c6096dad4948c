#!/usr/bin/env bash
# Makes sure etcd (Debian package etcd-server) is installed for the real control plane of
# @virtrigaud/envtest, and prints the path of its binary. Installs it with apt when missing;
# never starts it as a service (each test run starts its own etcd on free ports).
# Needs root to install (CI and the dev machines run as root).
set -euo pipefail

BINARY="${VIRTRIGAUD_ETCD:-/usr/bin/etcd}"
log() { echo "ensure-etcd: $*" >&2; }

works() { [[ -x "$BINARY" ]] && "$BINARY" --version >/dev/null 2>&1; }

if ! works; then
  log "installing etcd-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || log "apt-get update failed; trying the install anyway"
  # apt's exit code alone is not trusted: the package's service fails to start without an init
  # system, which leaves it half-configured although the binary is installed and works.
  apt-get install -y -qq --no-install-recommends etcd-server >&2 ||
    log "apt-get install exited $?; checking the binary"
  if ! works; then
    log "$BINARY is missing or does not run after the install"
    exit 1
  fi
fi
echo "$BINARY"
