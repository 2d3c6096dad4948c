#!/usr/bin/env bash
# After a test run: reports and stops the processes the run left behind, and fails when there were
# any (a test that does not stop what it started is a bug; jest may never exit because of it).
# The run's processes are those of its session (scripts/test.sh starts jest with setsid) plus any
# carrying its VIRTRIGAUD_TEST_RUN marker in their environment (they may have left the session).
# The libvirt daemons are not leftovers: ensure-libvirt.sh shares them between concurrent runs and
# stop-libvirt.sh stops them when their last user is gone.
# Usage: leftover-processes.sh <session id> <run marker>
set -euo pipefail
sid="$1" marker="$2"
# Session 0 is where processes from outside a container's PID namespace appear: never a test run.
[[ "$sid" =~ ^[1-9][0-9]*$ ]] || { echo "leftover-processes.sh: bad session id '$sid'" >&2; exit 2; }
[ -n "$marker" ] || { echo "leftover-processes.sh: empty run marker" >&2; exit 2; }
shared_daemons='^(libvirtd|virtlogd|qemu-system-.*)$'

# pid and command name of every process of the session or carrying the marker, but this script's.
leftovers() {
  {
    # Zombies (state Z) have exited already; only their parent's wait is missing.
    ps -eo pid=,sid=,stat=,comm= | awk -v sid="$sid" '$2 == sid && $3 !~ /^Z/ { print $1, $4 }'
    grep -lzx "VIRTRIGAUD_TEST_RUN=$marker" /proc/[0-9]*/environ 2>/dev/null |
      while IFS=/ read -r _ _ pid _; do echo "$pid $(cat "/proc/$pid/comm" 2>/dev/null)"; done
  } | sort -un | awk -v me="$$" -v daemons="$shared_daemons" \
    '$1 != 1 && $1 != me && $2 !~ daemons { print $1 }'
}

mapfile -t pids < <(leftovers)
[ "${#pids[@]}" -eq 0 ] && exit 0
echo "[test] FAILED: the test run left ${#pids[@]} process(es) running; stopping them:" >&2
ps -o pid=,ppid=,etimes=,args= -p "$(IFS=,; echo "${pids[*]}")" >&2 || true
kill -TERM "${pids[@]}" 2>/dev/null || true
for _ in $(seq 50); do # up to 5 s for a graceful exit, then SIGKILL
  alive=()
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
  [ "${#alive[@]}" -eq 0 ] && exit 1
  sleep 0.1
done
kill -KILL "${alive[@]}" 2>/dev/null || true
exit 1
