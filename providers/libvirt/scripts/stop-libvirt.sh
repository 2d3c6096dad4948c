#!/usr/bin/env bash
# Stops the libvirtd/virtlogd that ensure-libvirt.sh started, once no live holder remains.
#
#   stop-libvirt.sh [--holder PID] [--force]
#
# Daemons this script did not start (their PID files are absent) are never touched.
set -euo pipefail

STATE_DIR="${VIRTRIGAUD_LIBVIRT_STATE:-/var/tmp/virtrigaud-libvirt}"
holder=""
force=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --holder) holder="$2"; shift 2 ;;
    --force) force=true; shift ;;
    *) echo "stop-libvirt: unknown argument $1" >&2; exit 2 ;;
  esac
done

log() { echo "stop-libvirt: $*" >&2; }

[[ -d "$STATE_DIR" ]] || exit 0
exec 9>"$STATE_DIR/lock"
flock 9

# Keep the holders that are still alive, minus the one leaving now.
remaining=()
if [[ -f "$STATE_DIR/holders" ]]; then
  while read -r pid; do
    [[ -n "$pid" && "$pid" != "$holder" ]] && kill -0 "$pid" 2>/dev/null && remaining+=("$pid")
  done <"$STATE_DIR/holders"
fi
printf '%s\n' "${remaining[@]:-}" | sed '/^$/d' >"$STATE_DIR/holders"
if [[ ${#remaining[@]} -gt 0 && "$force" != true ]]; then
  log "still used by ${remaining[*]}; leaving the daemons running"
  exit 0
fi

stop_daemon() { # name
  local file="$STATE_DIR/$1.pid" pid
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    # libvirtd shuts down in well under a second; bounded wait, then force.
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    log "stopped $1 (pid $pid)"
  fi
  rm -f "$file"
}

stop_daemon libvirtd
stop_daemon virtlogd
