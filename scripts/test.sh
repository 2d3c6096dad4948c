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
NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}" npx jest --ci "$@"
