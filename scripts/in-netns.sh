#!/usr/bin/env bash
# Runs a command in a network namespace of its own (needs root): only a loopback device, brought
# up, so everything the command starts (etcd, kube-apiserver, the node agent's pods) is reachable
# only from inside, and pod addresses can be put on `lo` without touching the machine's own
# interfaces. The namespace ends with the command.
#
#   in-netns.sh COMMAND [ARGS...]
#
# VIRTRIGAUD_POD_CIDR tells the node agent which addresses its pods may take on `lo` (the
# benchmarking range 198.18.0.0/15 of RFC 2544, which no real network uses); the real
# kube-apiserver refuses loopback addresses (127.0.0.0/8) in EndpointSlices.
set -euo pipefail
if [[ "${1:-}" != --inside ]]; then
  exec unshare --net -- bash "$0" --inside "$@"
fi
shift
ip link set lo up
export VIRTRIGAUD_POD_CIDR="${VIRTRIGAUD_POD_CIDR:-198.18.0.0/16}"
exec "$@"
