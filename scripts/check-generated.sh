#!/usr/bin/env bash
# Regenerates every generated artefact (proto TypeScript, CRD manifests, the REST types and enum
# values from the backend plugin's OpenAPI document, alert rules and dashboards) and fails if the
# result differs from what is checked in, so the sources of truth and their outputs never drift.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
npm run gen --workspaces --if-present --silent >/dev/null
generated=(proto/src/gen operator/config/crd plugins/virtrigaud-common/src/generated operator/chart/virtrigaud/files)
if ! git diff --quiet --exit-code -- "${generated[@]}" || [ -n "$(git ls-files --others --exclude-standard -- "${generated[@]}")" ]; then
  echo "[test] generated files differ from the checked-in ones; run 'npm run gen' and commit:" >&2
  git status --short -- "${generated[@]}" >&2
  git --no-pager diff --stat -- "${generated[@]}" >&2
  exit 1
fi
