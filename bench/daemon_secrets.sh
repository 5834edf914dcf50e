#!/usr/bin/env bash
# The daemon in a namespace full of Secrets no DatabaseSchema names, as a real namespace is
# (Helm keeps every release in a Secret of up to 1 MiB; service-account tokens, other
# credentials): `schema-operator run` against a real kube-apiserver and etcd, and its RSS once
# its caches are synced (steady) and at its highest while listing them (peak).
#   bench/daemon_secrets.sh [RUNS]                 default 5
# Scenarios: 200 Secrets of 200 KiB, and 2,000 Secrets of 4 KiB. BASELINE=path/to/schema-operator
# adds the same rows for another build, to compare.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$repo/build}"
runs="${1:-5}"
stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f %.1f %.1f\n", m, a[1], a[NR]}'; }

work="$(mktemp -d /tmp/schema-operator-secrets.XXXXXX)"
export HOME="$work/home" KUBECONFIG="$work/kubeconfig"
mkdir -p "$HOME"
pids=()
stop_all() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap 'stop_all; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
"$build/kube-control-plane" --kubeconfig "$KUBECONFIG" >"$work/apiserver.log" 2>&1 &
pids+=($!)
for _ in $(seq 600); do [[ -s "$KUBECONFIG" ]] && kubectl version >/dev/null 2>&1 && break; sleep 0.1; done
kubectl apply -f "$repo/crds/databaseschemas.yaml" >/dev/null

# COUNT Secrets of KIB KiB of random data each, in namespace NS.
make_secrets() {
  kubectl create namespace "$3" >/dev/null
  python3 - "$1" "$2" "$3" >"$work/secrets.yaml" <<'PY'
import base64, os, sys
count, kib, ns = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for i in range(count):
    blob = base64.b64encode(os.urandom(kib * 1024 * 3 // 4)).decode()
    print(f"---\napiVersion: v1\nkind: Secret\nmetadata: {{name: sh.helm.release.v1.app{i}.v1, namespace: {ns}}}\n"
          f"type: helm.sh/release.v1\ndata: {{release: {blob}}}")
PY
  kubectl create -f "$work/secrets.yaml" >/dev/null
}

# One operator watching NS until its caches are synced and it has settled: "VmRSS VmHWM" in MiB.
measure() {
  local binary=$1 ns=$2 probe op
  probe=$(free_port)
  "$binary" run --kubeconfig "$KUBECONFIG" --namespace "$ns" --metrics-bind-address 0 \
    --health-probe-bind-address "127.0.0.1:$probe" --runtime-dir "$work/runtime" --log-level warn \
    >"$work/operator.log" 2>&1 &
  op=$!
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$probe/readyz" >/dev/null && break; sleep 0.1; done
  sleep 3
  awk '$1 == "VmRSS:" {r = $2} $1 == "VmHWM:" {h = $2} END {printf "%.1f %.1f\n", r / 1024, h / 1024}' "/proc/$op/status"
  kill -TERM "$op"
  wait "$op" 2>/dev/null || true
}

builds=("this build=$build/schema-operator")
[[ -n "${BASELINE:-}" ]] && builds+=("baseline=$BASELINE")
table="$(printf '%-14s %-22s %-24s %-24s' build secrets 'steady RSS MiB (min-max)' 'peak RSS MiB (min-max)')"$'\n'
for scenario in "200 200" "2000 4"; do
  read -r count kib <<<"$scenario"
  ns="s$count-$kib"
  make_secrets "$count" "$kib" "$ns"
  for entry in "${builds[@]}"; do
    name=${entry%%=*}
    binary=${entry#*=}
    : >"$work/samples"
    for _ in $(seq "$runs"); do measure "$binary" "$ns" >>"$work/samples"; done
    read -r steady smin smax <<<"$(awk '{print $1}' "$work/samples" | stats)"
    read -r peak pmin pmax <<<"$(awk '{print $2}' "$work/samples" | stats)"
    row="$(printf '%-14s %-22s %-24s %-24s' "$name" "$count x $kib KiB" "$steady ($smin-$smax)" "$peak ($pmin-$pmax)")"
    echo "$row"
    table+="$row"$'\n'
  done
done

mkdir -p "$repo/bench/results"
{
  echo "# bench/daemon_secrets.sh $runs: schema-operator run in a namespace of Secrets nothing names"
  echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m), $(git -C "$repo" rev-parse --short HEAD)"
  echo "# median of $runs runs (min-max); steady: after the caches synced and 3 s; peak: VmHWM"
  [[ -n "${BASELINE:-}" ]] && echo "# baseline: $BASELINE"
  echo "$table"
} >"$repo/bench/results/daemon-secrets.txt"
cat "$repo/bench/results/daemon-secrets.txt"
