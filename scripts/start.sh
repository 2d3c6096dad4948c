#!/usr/bin/env bash
# `npm start`: the whole VirtRigaud portal on this machine, from a fresh clone. Starts together
#   the devcluster (embedded Kubernetes API + dev kubelet), the VirtRigaud CRDs, the operator,
#   a mock Provider (plus a libvirt Provider when a local libvirtd answers), sample VMs,
#   the Backstage backend (:7007) and frontend (:3000),
# prints the URL, and stops all of it on Ctrl-C (every component runs in its own process group,
# which is killed as a whole).
#
# Environment (all optional; tests use them to run on free ports):
#   VIRTRIGAUD_BACKEND_PORT   backend port (default 7007)
#   VIRTRIGAUD_FRONTEND_PORT  dev-server port (default 3000)
#   VIRTRIGAUD_FRONTEND       dev (webpack dev server, live reload; default) or bundle (production
#                             bundle built once and served by the backend on the backend port)
#   VIRTRIGAUD_RUN_DIR        where kubeconfig and logs go (default: a new temporary directory)
#   VIRTRIGAUD_SAMPLES        0 to skip the sample VMs
#   VIRTRIGAUD_SKIP_SETUP     1 when the caller already ran scripts/setup.sh (the browser tests)
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${VIRTRIGAUD_SKIP_SETUP:-0}" = 1 ]; then
  # shellcheck source=node24.sh
  source "$repo_root/scripts/node24.sh"
else
  # shellcheck source=setup.sh
  source "$repo_root/scripts/setup.sh"
fi
cd "$repo_root"

backend_port="${VIRTRIGAUD_BACKEND_PORT:-7007}"
frontend_port="${VIRTRIGAUD_FRONTEND_PORT:-3000}"
frontend_mode="${VIRTRIGAUD_FRONTEND:-dev}"
run_dir="${VIRTRIGAUD_RUN_DIR:-$(mktemp -d -t virtrigaud-portal-XXXXXX)}"
mkdir -p "$run_dir"
kubeconfig="$run_dir/kubeconfig"
log() { echo "[start] $*" >&2; }

case "$frontend_mode" in
  dev) app_url="http://localhost:$frontend_port" ;;
  bundle) app_url="http://localhost:$backend_port" ;;
  *) log "VIRTRIGAUD_FRONTEND must be dev or bundle, not '$frontend_mode'"; exit 2 ;;
esac
command -v kubectl >/dev/null || { log "kubectl is required (it applies the CRDs and samples)"; exit 1; }

# --- process groups -------------------------------------------------------------------------
pgids=()
# Runs a command in a new session (so its whole process tree can be killed as one group).
spawn() {
  local name="$1"; shift
  setsid "$@" >"$run_dir/$name.log" 2>&1 < /dev/null &
  pgids+=("$!")
  log "$name started (pid $!, log $run_dir/$name.log)"
}
stopping=0
stop_all() {
  [ "$stopping" = 1 ] && return; stopping=1
  log "stopping"
  local i pgid
  # Newest first: frontend and backend before the operator, the cluster last.
  for ((i = ${#pgids[@]} - 1; i >= 0; i--)); do
    pgid="${pgids[$i]}"
    kill -TERM -- "-$pgid" 2>/dev/null || continue
    for _ in $(seq 100); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  done
  log "stopped"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

# Waits (up to $2 seconds) until the command in $3... succeeds; fails naming what it waited for.
wait_for() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then log "timed out after ${seconds}s waiting for $what"; return 1; fi
    sleep 0.2
  done
}
http_ok() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }
log_has() { grep -q "$2" "$run_dir/$1.log"; }
kc() { kubectl --kubeconfig "$kubeconfig" "$@"; }
kc_apply() { for manifest in "$@"; do kc apply -f "$manifest" >/dev/null; done; }

# --- Kubernetes: devcluster, CRDs, operator, providers, samples -------------------------------
spawn devcluster node packages/devcluster/dist/cli.js --kubeconfig "$kubeconfig"
wait_for "the devcluster" 60 log_has devcluster 'devcluster ready at' || { cat "$run_dir/devcluster.log" >&2; exit 1; }
cluster_url="$(sed -n 's/^devcluster ready at \([^ ]*\).*/\1/p' "$run_dir/devcluster.log" | head -1)"
log "devcluster ready at $cluster_url (kubeconfig $kubeconfig)"

kc_apply operator/config/crd
operator_health_port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
spawn operator node operator/dist/main.js --kubeconfig "$kubeconfig" \
  --metrics-addr=0 \
  --health-addr="127.0.0.1:$operator_health_port"
wait_for "the operator" 60 http_ok "http://127.0.0.1:$operator_health_port/readyz" || { cat "$run_dir/operator.log" >&2; exit 1; }

kc_apply packages/backend/local-portal/mock-provider.yaml
if command -v virsh >/dev/null && timeout 5 virsh -c qemu:///system version >/dev/null 2>&1; then
  log "libvirtd answers on qemu:///system: adding the libvirt Provider"
  kc_apply packages/backend/local-portal/libvirt-provider.yaml
fi
if [ "${VIRTRIGAUD_SAMPLES:-1}" != 0 ]; then
  kc_apply packages/backend/local-portal/samples.yaml
fi

# --- Backstage --------------------------------------------------------------------------------
if [ "$frontend_mode" = bundle ]; then
  bash scripts/build-portal-bundle.sh
fi
export KUBECONFIG="$kubeconfig" VIRTRIGAUD_CLUSTER_URL="$cluster_url"
export APP_CONFIG_backend_listen_port="$backend_port"
export APP_CONFIG_backend_baseUrl="http://localhost:$backend_port"
export APP_CONFIG_backend_cors_origin="$app_url"
export APP_CONFIG_app_baseUrl="$app_url"
spawn backend env -C packages/backend NODE_ENV=development \
  node dist/index.js --config "$repo_root/app-config.yaml"
wait_for "the backend" 180 http_ok "http://localhost:$backend_port/.backstage/health/v1/readiness" ||
  { tail -50 "$run_dir/backend.log" >&2; exit 1; }

if [ "$frontend_mode" = dev ]; then
  spawn frontend env -C packages/app npx backstage-cli package start --config "$repo_root/app-config.yaml"
  wait_for "the frontend dev server" 300 http_ok "$app_url" || { tail -50 "$run_dir/frontend.log" >&2; exit 1; }
fi

log "VirtRigaud portal ready: $app_url (backend http://localhost:$backend_port, logs in $run_dir). Ctrl-C stops everything."
# Runs until Ctrl-C, or until a component exits on its own (then everything stops).
wait -n || true
log "a component exited; see the logs in $run_dir"
exit 1
