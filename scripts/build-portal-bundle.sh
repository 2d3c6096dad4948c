#!/usr/bin/env bash
# Builds the production bundle of the portal frontend (packages/app/dist), which the Backstage
# backend serves; skipped when nothing that goes into it changed since the last build.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
stamp=packages/app/dist/.bundle-inputs
inputs="$( { cat package-lock.json app-config.yaml; find packages/app/src packages/app/public packages/app/package.json \
  plugins/virtrigaud/src plugins/virtrigaud-common/src -type f | sort | xargs cat; } | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ]; then exit 0; fi
echo "[bundle] building the portal frontend (packages/app)" >&2
# A production bundle whoever calls this: under jest NODE_ENV is "test", for which packages/app has no
# browserslist entry, and browserslist's defaults name browser versions newer than rspack knows.
(cd packages/app && NODE_ENV=production BROWSERSLIST_ENV=production \
  npx backstage-cli package build --config "$repo_root/app-config.yaml" >/dev/null)
echo "$inputs" > "$stamp"
