#!/usr/bin/env bash
# Every test of the project, as CI runs it (.ci/run calls this). Fails on generated-code drift,
# type errors, lint errors and test failures. Suites that need a daemon (libvirtd, the vSphere
# simulator, Chromium) install and start it themselves and stop it afterwards.
#
# jest runs twice: every suite on the devcluster except REAL_SERVER_ONLY_SUITES, then
# REAL_SERVER_SUITES and REAL_SERVER_ONLY_SUITES on a real kube-apiserver (packages/envtest),
# inside a network namespace of their own.
# VIRTRIGAUD_TEST_SERVER=devcluster or =real runs only that pass; jest arguments go to the
# devcluster pass (the real pass always runs its whole list).
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

# The suites that must pass on both servers.
REAL_SERVER_SUITES=(
  packages/api/src/crd-admission.test.ts
  operator/tests/install.test.ts
  operator/tests/vm-power-status.test.ts
)
# The suites about the real server itself, or needing the network namespace.
REAL_SERVER_ONLY_SUITES=(
  packages/envtest/src/control-plane.test.ts
  packages/devcluster/tests/real-node-agent.test.ts
)
passes="${VIRTRIGAUD_TEST_SERVER:-devcluster real}"

# Why the real kube-apiserver cannot run here (empty when it can), from the one place that knows.
real_server_missing="$(node -e 'process.stdout.write(require("./packages/envtest").missingPrerequisite() ?? "")')"
if [[ "$real_server_missing" == no\ etcd* ]]; then
  bash scripts/ensure-etcd.sh >/dev/null
  real_server_missing="$(node -e 'process.stdout.write(require("./packages/envtest").missingPrerequisite() ?? "")')"
fi
if [[ -z "$real_server_missing" ]] && ! unshare --net true 2>/dev/null; then
  real_server_missing="cannot create a network namespace (unshare --net needs root)"
fi

# --experimental-vm-modules lets jest load ESM-only dependencies (@kubernetes/client-node 2.x)
# from our CommonJS output, as Node 24 itself does.
# Each jest pass runs in a session of its own under an overall time limit, so a run can neither
# hang (a process a test did not stop keeps jest from exiting) nor end with such processes still
# running: leftover-processes.sh reports them, stops them and fails the run.
limit="${VIRTRIGAUD_TEST_TIMEOUT:-120m}"
guarded() {
  local run_marker sid_file status
  run_marker="$$-$(date +%s%N)"
  sid_file="$(mktemp)"
  # jest is not in the terminal's process group: pass Ctrl-C and SIGTERM on to its session.
  trap 'sid="$(cat "'"$sid_file"'")"; [ -n "$sid" ] && kill -TERM -- "-$sid" 2>/dev/null' INT TERM
  set +e
  setsid --wait bash -c 'echo $$ >"$0"; exec timeout --kill-after=60s "$1" "${@:2}"' "$sid_file" \
    "$limit" env VIRTRIGAUD_TEST_RUN="$run_marker" "$@"
  status=$?
  set -e
  trap - INT TERM
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "[test] FAILED: jest did not finish within $limit (VIRTRIGAUD_TEST_TIMEOUT) and was stopped" >&2
  fi
  bash scripts/leftover-processes.sh "$(cat "$sid_file")" "$run_marker" || status=1
  rm -f "$sid_file"
  return "$status"
}

export NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}"

if [[ " $passes " == *" devcluster "* ]]; then
  echo "[test] jest on the devcluster" >&2
  VIRTRIGAUD_TEST_SERVER=devcluster guarded \
    npx jest --ci --testPathIgnorePatterns "${REAL_SERVER_ONLY_SUITES[@]}" -- "$@"
fi

if [[ " $passes " == *" real "* ]]; then
  if [[ -n "$real_server_missing" ]]; then
    echo "[test] real kube-apiserver suites NOT RUN: $real_server_missing" >&2
    [[ "${CI:-}" != true ]] || { echo "[test] CI=true requires them" >&2; exit 1; }
  else
    echo "[test] jest on a real kube-apiserver, in a network namespace" >&2
    VIRTRIGAUD_TEST_SERVER=real guarded bash scripts/in-netns.sh \
      npx jest --ci --runTestsByPath "${REAL_SERVER_SUITES[@]}" "${REAL_SERVER_ONLY_SUITES[@]}"
  fi
fi
