#!/usr/bin/env bash
# Every benchmark of the project (`npm run bench`): each workspace's own `bench` npm script.
# Performance targets live here, never in timed unit tests.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$repo_root/scripts/setup.sh"
cd "$repo_root"
npm run bench --workspaces --if-present
