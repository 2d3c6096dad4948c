#!/usr/bin/env bash
# Installs (Debian packages) and starts a local libvirtd + virtlogd for the libvirt provider's
# tests, idempotently: a daemon that already answers is reused and never restarted.
#
#   ensure-libvirt.sh [--holder PID]
#
# --holder registers PID (e.g. the jest process) as a user of the daemons; stop-libvirt.sh stops
# them only when it started them and no live holder remains, so parallel runs do not pull the
# daemon from under each other and a crashed run does not keep it alive forever.
# Needs root (CI and the dev machines run as root). No init system is assumed.
set -euo pipefail

STATE_DIR="${VIRTRIGAUD_LIBVIRT_STATE:-/var/tmp/virtrigaud-libvirt}"
URI="qemu:///system"
PACKAGES=(libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils
  genisoimage ovmf openssh-server openssh-client)
# The binaries the tests need; apt's exit code alone is not trusted (it can exit 100 on an
# unrelated half-configured package while everything below got installed).
BINARIES=(/usr/sbin/libvirtd /usr/sbin/virtlogd /usr/bin/virsh /usr/bin/qemu-system-x86_64
  /usr/bin/qemu-img /usr/bin/genisoimage /usr/sbin/sshd /usr/bin/ssh-keygen)

holder=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --holder) holder="$2"; shift 2 ;;
    *) echo "ensure-libvirt: unknown argument $1" >&2; exit 2 ;;
  esac
done

log() { echo "ensure-libvirt: $*" >&2; }

missing_binaries() {
  local b missing=()
  for b in "${BINARIES[@]}"; do [[ -x "$b" ]] || missing+=("$b"); done
  echo "${missing[@]:-}"
}

install_packages() {
  [[ -z "$(missing_binaries)" ]] && return 0
  log "installing ${PACKAGES[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || log "apt-get update failed; trying the install anyway"
  apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >"$STATE_DIR/apt.log" 2>&1 ||
    log "apt-get install exited $? (see $STATE_DIR/apt.log); checking the binaries"
  local missing
  missing="$(missing_binaries)"
  if [[ -n "$missing" ]]; then
    log "still missing after install: $missing"
    exit 1
  fi
}

prepare_host() {
  getent group kvm >/dev/null || groupadd -f kvm
  getent passwd libvirt-qemu >/dev/null || useradd -r -M -s /usr/sbin/nologin libvirt-qemu
  mkdir -p /var/run/libvirt /var/lib/libvirt/qemu /var/log/libvirt/qemu
  # The default QEMU user cannot open root-only /dev/kvm and slows every start to 30-40 s.
  local conf=/etc/libvirt/qemu.conf
  touch "$conf"
  if ! grep -Eq '^user = "root"' "$conf"; then echo 'user = "root"' >>"$conf"; fi
  if ! grep -Eq '^group = "root"' "$conf"; then echo 'group = "root"' >>"$conf"; fi
}

answers() { timeout 10 virsh -c "$URI" version >/dev/null 2>&1; }

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_daemon() { # name binary
  local name="$1" binary="$2"
  alive "$STATE_DIR/$name.pid" && return 0
  # fd 9 (the lock) must not leak into the daemon, or the next run waits for it forever.
  "$binary" 9>&- >"$STATE_DIR/$name.log" 2>&1 &
  echo $! >"$STATE_DIR/$name.pid"
  log "started $name (pid $!)"
}

wait_until_answering() {
  local deadline=$((SECONDS + 60))
  until answers; do
    if ((SECONDS > deadline)); then
      log "libvirtd does not answer on $URI after 60 s; log: $STATE_DIR/libvirtd.log"
      tail -n 20 "$STATE_DIR/libvirtd.log" >&2 || true
      exit 1
    fi
    alive "$STATE_DIR/libvirtd.pid" || { log "libvirtd exited"; tail -n 20 "$STATE_DIR/libvirtd.log" >&2; exit 1; }
    sleep 0.2 # polling a daemon that has no readiness notification without systemd
  done
}

main() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/lock"
  flock 9
  install_packages
  prepare_host
  if ! answers; then
    [[ -S /var/run/libvirt/virtlogd-sock ]] && pgrep -x virtlogd >/dev/null || start_daemon virtlogd /usr/sbin/virtlogd
    start_daemon libvirtd /usr/sbin/libvirtd
    wait_until_answering
  fi
  if [[ -n "$holder" ]]; then echo "$holder" >>"$STATE_DIR/holders"; fi
  log "libvirtd answers on $URI"
}

main
