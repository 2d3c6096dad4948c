#!/usr/bin/env bash
# Installs Debian's Prometheus (prometheus + promtool) when missing, for the alert-rule unit tests
# and the end-to-end test that scrapes the manager and the providers. Idempotent; starts nothing
# (the package's service is not started without an init system; tests run their own instance).
# Needs root to install (CI and the dev machines run as root).
set -euo pipefail

BINARIES=(/usr/bin/prometheus /usr/bin/promtool)
STATE_DIR="${VIRTRIGAUD_PROMETHEUS_STATE:-/var/tmp/virtrigaud-prometheus}"

log() { echo "ensure-prometheus: $*" >&2; }

missing_binaries() {
  local b missing=()
  for b in "${BINARIES[@]}"; do [[ -x "$b" ]] || missing+=("$b"); done
  echo "${missing[@]:-}"
}

[[ -z "$(missing_binaries)" ]] && exit 0
mkdir -p "$STATE_DIR"
exec 9>"$STATE_DIR/lock"
flock 9
[[ -z "$(missing_binaries)" ]] && exit 0
log "installing prometheus"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || log "apt-get update failed; trying the install anyway"
# apt's exit code alone is not trusted (an unrelated half-configured package makes it exit 100).
apt-get install -y -qq --no-install-recommends prometheus >"$STATE_DIR/apt.log" 2>&1 ||
  log "apt-get install exited $? (see $STATE_DIR/apt.log); checking the binaries"
missing="$(missing_binaries)"
if [[ -n "$missing" ]]; then
  log "still missing after install: $missing"
  exit 1
fi
