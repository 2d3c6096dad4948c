#!/usr/bin/env bash
# Makes sure the vCenter simulator binary exists and prints its path (the only stdout line).
# Installs Debian's Go toolchain and govmomi sources when missing (CI starts from a clean Debian
# machine as root) and rebuilds only when test-fixtures/vcsim/main.go changed. apt-get's exit code
# is not trusted (it can fail on unrelated half-configured packages): the files we need decide.
set -euo pipefail
package_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo_root="$(cd "$package_dir/../.." && pwd)"
source_file="$package_dir/test-fixtures/vcsim/main.go"
cache_dir="$repo_root/.cache/vcsim"
gopath=/usr/share/gocode
govmomi_simulator="$gopath/src/github.com/vmware/govmomi/simulator"

have_toolchain() { command -v go >/dev/null 2>&1 && [ -d "$govmomi_simulator" ]; }

if ! have_toolchain; then
  echo "[ensure-vcsim] installing golang-go golang-github-vmware-govmomi-dev" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || true
  apt-get install -y -qq golang-go golang-github-vmware-govmomi-dev >&2 || true
  have_toolchain || { echo "[ensure-vcsim] go or govmomi sources still missing after apt-get" >&2; exit 1; }
fi

mkdir -p "$cache_dir"
source_hash="$(sha256sum "$source_file" | cut -d' ' -f1)"
binary="$cache_dir/vcsim-$source_hash"
if [ ! -x "$binary" ]; then
  echo "[ensure-vcsim] building $binary" >&2
  build_dir="$(mktemp -d "$cache_dir/build.XXXXXX")"
  trap 'rm -rf "$build_dir"' EXIT
  cp "$source_file" "$build_dir/main.go"
  # GOPATH mode against Debian's packaged sources: no module download, no network.
  (cd "$build_dir" && GOPATH="$gopath" GO111MODULE=off GOFLAGS= GOCACHE="$cache_dir/gocache" \
    go build -o "$build_dir/vcsim" main.go) >&2
  mv "$build_dir/vcsim" "$binary"
  find "$cache_dir" -maxdepth 1 -name 'vcsim-*' ! -name "vcsim-$source_hash" -delete
fi
echo "$binary"
