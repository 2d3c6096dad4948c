#!/usr/bin/env bash
# Brings a fresh clone to a runnable state: Node 24, dependencies, compiled workspaces.
# Sourced by start.sh, test.sh and bench.sh; re-running it is cheap (it only installs when
# package.json files or the lockfile changed).
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=node24.sh
source "$repo_root/scripts/node24.sh"
cd "$repo_root"

stamp_file="node_modules/.virtrigaud-install-stamp"
install_inputs_hash() {
  { node --version; cat package.json package-lock.json 2>/dev/null
    find proto packages operator providers plugins test -name package.json -not -path '*/node_modules/*' 2>/dev/null | sort | xargs cat; } | sha256sum | cut -d' ' -f1
}
wanted="$(install_inputs_hash)"
if [ ! -f "$stamp_file" ] || [ "$(cat "$stamp_file")" != "$wanted" ]; then
  echo "[setup] npm install" >&2
  # A lock serializes concurrent installs (parallel test runs on one machine share node_modules).
  mkdir -p .tools; flock "$repo_root/.tools/npm.lock" npm install --no-audit --no-fund --loglevel=error 2>&1 | grep -v '^npm warn Unknown' >&2 || true
  [ -d node_modules/.bin ] || { echo "[setup] npm install failed" >&2; exit 1; }
  install_inputs_hash > "$stamp_file"
fi

# Every workspace with a tsconfig.json; each declares its own references, so tsc orders them.
mapfile -t projects < <(ls -d proto packages/*/ operator providers/*/ plugins/*/ test 2>/dev/null |
  while read -r dir; do [ -f "$dir/tsconfig.json" ] && echo "${dir%/}"; done)
# Test trees outside a workspace's src/ are type-checked too (no output): jest's SWC does not check.
type_check_only=(operator/tests plugins/scaffolder-backend-module-virtrigaud/tests packages/devcluster/tests)
node scripts/check-project-references.js "${projects[@]}" "${type_check_only[@]}"
echo "[setup] tsc -b ${projects[*]} ${type_check_only[*]}" >&2
npx tsc -b "${projects[@]}" "${type_check_only[@]}"
