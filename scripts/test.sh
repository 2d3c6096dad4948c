#!/usr/bin/env bash
# Every test of the project, as CI runs it (.ci/run calls this). Fails on generated-code drift,
# type errors, lint errors and test failures. Suites that need a daemon (libvirtd, the vSphere
# simulator, Chromium) install and start it themselves and stop it afterwards.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$repo_root/scripts/setup.sh"
cd "$repo_root"

echo "[test] generated code is up to date" >&2
bash scripts/check-generated.sh

echo "[test] public APIs only: no runtime internals, loader hooks, dist/ imports, V8 GC flags" >&2
node scripts/check-public-apis.js

echo "[test] lint" >&2
npx eslint --max-warnings=0 .
npx prettier --check . --log-level warn

echo "[test] jest" >&2
# --experimental-vm-modules lets jest load ESM-only dependencies (@kubernetes/client-node 2.x)
# from our CommonJS output, as Node 24 itself does.
# jest runs in a session of its own under an overall time limit, so a run can neither hang (a
# process a test did not stop keeps jest from exiting) nor end with such processes still running:
# leftover-processes.sh reports them, stops them and fails the run.
limit="${VIRTRIGAUD_TEST_TIMEOUT:-120m}"
run_marker="$$-$(date +%s%N)"
sid_file="$(mktemp)"
# jest is not in the terminal's process group any more: pass Ctrl-C and SIGTERM on to its session.
trap 'sid="$(cat "$sid_file")"; [ -n "$sid" ] && kill -TERM -- "-$sid" 2>/dev/null' INT TERM
set +e
setsid --wait bash -c 'echo $$ >"$0"; exec timeout --kill-after=60s "$1" "${@:2}"' "$sid_file" \
  "$limit" env VIRTRIGAUD_TEST_RUN="$run_marker" \
  NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}" npx jest --ci "$@"
status=$?
set -e
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "[test] FAILED: jest did not finish within $limit (VIRTRIGAUD_TEST_TIMEOUT) and was stopped" >&2
fi
bash scripts/leftover-processes.sh "$(cat "$sid_file")" "$run_marker" || status=1
rm -f "$sid_file"
exit "$status"
