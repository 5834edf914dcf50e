#!/usr/bin/env bash
# The daemon under load: `schema-operator run` against a real kube-apiserver and etcd and one
# PostgreSQL holding DATABASES databases, with RESOURCES DatabaseSchemas spread over them.
#   bench/daemon.sh [RESOURCES DATABASES]        default: 1000 20
# Measures: idle RSS and CPU (no resources); the time from `kubectl apply` of all of them to all
# Ready; steady state at interval 5m (CPU, RSS); the time from `kubectl apply` of one change to
# Ready (p50, p99 of SAMPLES changes); re-check throughput when every resource asks for a check
# each second (interval 1s: the queue never empties, so the rate is the ceiling); the duration of
# one in-sync re-check when one resource re-checks each second alone; peak RSS.
# CPU, rates and RSS are WINDOWS windows each (default 5): median, min and max.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$repo/build}"
resources="${1:-1000}"
databases="${2:-20}"
samples="${SAMPLES:-50}"
windows="${WINDOWS:-5}"
concurrency="${CONCURRENCY:-4}"
source "$repo/bench/lib.sh"
PGPORT="${DAEMON_PGPORT:-54346}"
psql=("$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGDIR" -p "$PGPORT" -U postgres)
start_postgres

work="$PGDIR/daemon"
mkdir -p "$work/home"
export HOME="$work/home" KUBECONFIG="$work/kubeconfig"
pids=()
stop_all() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap 'stop_all; bench_cleanup' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
metrics_port=$(free_port)
"$build/kube-control-plane" --kubeconfig "$KUBECONFIG" >"$work/apiserver.log" 2>&1 &
pids+=($!)
for _ in $(seq 600); do [[ -s "$KUBECONFIG" ]] && kubectl version >/dev/null 2>&1 && break; sleep 0.1; done
kubectl apply -f "$repo/crds/databaseschemas.yaml" >/dev/null
kubectl create namespace bench >/dev/null

per_db=$(( (resources + databases - 1) / databases ))
secrets=""
for d in $(seq 0 $((databases - 1))); do
  "${psql[@]}" -d postgres -c "CREATE DATABASE d$d"
  schemas=""
  for s in $(seq 0 $((per_db - 1))); do schemas+="CREATE SCHEMA s$s;"; done
  "${psql[@]}" -d "d$d" -c "$schemas"
  secrets+="---
apiVersion: v1
kind: Secret
metadata: {name: db-$d, namespace: bench}
stringData: {DATABASE_URL: \"$(pg_url "d$d")\"}
"
done
kubectl apply -f - <<<"$secrets" >/dev/null

"$build/schema-operator" run --kubeconfig "$KUBECONFIG" --namespace bench --concurrency "$concurrency" \
  --metrics-bind-address "127.0.0.1:$metrics_port" --health-probe-bind-address 0 --runtime-dir "$work/runtime" \
  --log-level warn >"$work/operator.log" 2>&1 &
op=$!
pids+=($op)

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$op/stat"; }
rss_mib() { awk -v f="$1" '$1 == f":" {printf "%.1f", $2 / 1024}' "/proc/$op/status"; }
metric_sum() { python3 - "$metrics_port" "$1" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics").read().decode()
print(sum(float(l.split()[-1]) for l in text.splitlines() if l.startswith(sys.argv[2])))
PY
}
reconciles() { metric_sum 'schema_operator_reconcile_total{' | awk '{ printf "%d\n", $1 }'; }
# CPU percent of one core and reconciles per second over SECONDS of wall time.
window() {
  local seconds=$1 c0 r0 t0 c1 r1 t1
  c0=$(cpu_ticks); r0=$(reconciles); t0=$(now)
  sleep "$seconds"
  c1=$(cpu_ticks); r1=$(reconciles); t1=$(now)
  awk -v c="$((c1 - c0))" -v hz="$ticks" -v r="$((r1 - r0))" -v a="$t0" -v b="$t1" \
    'BEGIN { printf "%.2f %.1f\n", 100 * c / hz / (b - a), r / (b - a) }'
}
# `windows` windows of SECONDS: "cpu median min max|rate median min max|rss median min max".
windows() {
  local seconds=$1 cpu=() rate=() rss=() c r
  for _ in $(seq "$windows"); do
    read -r c r < <(window "$seconds")
    cpu+=("$c"); rate+=("$r"); rss+=("$(rss_mib VmRSS)")
  done
  echo "$(printf '%s\n' "${cpu[@]}" | stats)|$(printf '%s\n' "${rate[@]}" | stats)|$(printf '%s\n' "${rss[@]}" | stats)"
}
# "median [min-max]" of a "median min max" triple.
show() { awk '{ printf "%s [%s-%s]", $1, $2, $3 }' <<<"$1"; }
all_ready() { kubectl get dbs -n bench -o json | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
ready = sum(1 for o in items if o.get("status", {}).get("observedGeneration") == o["metadata"]["generation"]
            and any(c["type"] == "Ready" and c["status"] == "True" for c in o["status"].get("conditions", [])))
print(ready)'; }

sleep 3
IFS='|' read -r idle_cpu _ idle_rss < <(windows 4)

python3 "$repo/bench/daemon_resources.py" "$resources" "$databases" 5m >"$work/all.yaml"
t0=$(now)
kubectl apply -f "$work/all.yaml" >/dev/null
t_applied=$(now)
until [[ $(all_ready) -eq $resources ]]; do sleep 0.5; done
t_ready=$(now)

sleep 5
IFS='|' read -r steady_cpu steady_rate steady_rss < <(windows 8)

latencies="$work/latencies"
: >"$latencies"
for i in $(seq 1 "$samples"); do
  k=$(( (i * 7919) % resources ))
  python3 "$repo/bench/daemon_resources.py" "$resources" "$databases" 5m --changed "$k" >"$work/one.yaml"
  a=$(now)
  kubectl apply -f "$work/one.yaml" >/dev/null
  kubectl wait --for=condition=Ready -n bench "databaseschema/r-$k" --timeout=120s >/dev/null
  elapsed "$a" "$(now)" >>"$latencies"
  echo >>"$latencies"
done
read -r p50 p99 < <(sort -n "$latencies" | awk 'NF {a[++n]=$1} END {i50=int(0.5*n+0.5); i99=int(0.99*n+0.5); if(i50<1)i50=1; if(i99<1)i99=1; printf "%.3f %.3f\n", a[i50], a[i99]}')

# One resource re-checked each second, the others idle: the duration of one in-sync re-check
# (catalog read and status write) with nothing queued beside it. Saturated, below, the mean
# duration is mostly waiting: concurrency over the rate.
python3 "$repo/bench/daemon_resources.py" "$resources" "$databases" 1s --only 0 >"$work/one-1s.yaml"
kubectl apply -f "$work/one-1s.yaml" >/dev/null
sleep 3
read -r single_ms single_rate < <(
  s0=$(metric_sum schema_operator_reconcile_duration_seconds_sum); n0=$(metric_sum schema_operator_reconcile_duration_seconds_count)
  IFS='|' read -r _ r _ < <(windows 4)
  s1=$(metric_sum schema_operator_reconcile_duration_seconds_sum); n1=$(metric_sum schema_operator_reconcile_duration_seconds_count)
  awk -v s1="$s1" -v s0="$s0" -v n1="$n1" -v n0="$n0" -v r="$r" \
    'BEGIN { split(r, rr, " "); printf "%.1f %s\n", (n1 > n0) ? 1000 * (s1 - s0) / (n1 - n0) : 0, rr[1] }')

python3 "$repo/bench/daemon_resources.py" "$resources" "$databases" 1s >"$work/all-1s.yaml"
kubectl apply -f "$work/all-1s.yaml" >/dev/null
sleep 5
d_sum0=$(metric_sum schema_operator_reconcile_duration_seconds_sum); d_n0=$(metric_sum schema_operator_reconcile_duration_seconds_count)
IFS='|' read -r busy_cpu busy_rate busy_rss < <(windows 6)
d_sum1=$(metric_sum schema_operator_reconcile_duration_seconds_sum); d_n1=$(metric_sum schema_operator_reconcile_duration_seconds_count)
recheck_ms=$(awk -v s1="$d_sum1" -v s0="$d_sum0" -v n1="$d_n1" -v n0="$d_n0" \
  'BEGIN { printf "%.1f", (n1 > n0) ? 1000 * (s1 - s0) / (n1 - n0) : 0 }')
peak_rss=$(rss_mib VmHWM)
errors=$(grep -c '"level":"error"' "$work/operator.log" || true)

out="$repo/bench/results/daemon-$resources.txt"
{
  echo "# schema-operator run: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "# $resources DatabaseSchemas over $databases databases (3 tables each), --concurrency $concurrency; PostgreSQL 15 on a unix socket; kube-apiserver and etcd on loopback"
  echo "# command: bench/daemon.sh $resources $databases"
  echo "# windows: $windows each, median [min-max]; one apply of all; $samples single changes"
  row() { printf '%-52s %s\n' "$1" "$2"; }
  row measure value
  row "idle (no resources): CPU % of one core" "$(show "$idle_cpu")"
  row "idle: RSS MiB" "$(show "$idle_rss")"
  row "kubectl apply of all (s)" "$(elapsed "$t0" "$t_applied")"
  row "kubectl apply start -> all Ready (s)" "$(elapsed "$t0" "$t_ready")"
  row "steady, interval 5m: CPU % of one core" "$(show "$steady_cpu")"
  row "steady, interval 5m: reconciles/s" "$(show "$steady_rate")"
  row "steady: RSS MiB" "$(show "$steady_rss")"
  row "one change, kubectl apply -> Ready p50 (s)" "$p50"
  row "one change, kubectl apply -> Ready p99 (s)" "$p99"
  row "one resource at interval 1s: re-checks/s" "$single_rate"
  row "one in-sync re-check alone, mean ms" "$single_ms"
  row "saturated (interval 1s): re-checks/s" "$(show "$busy_rate")"
  row "saturated: CPU % of one core" "$(show "$busy_cpu")"
  row "saturated: RSS MiB" "$(show "$busy_rss")"
  row "saturated: one re-check incl. queueing, mean ms" "$recheck_ms"
  row "peak RSS MiB (VmHWM)" "$peak_rss"
  row "error log lines" "$errors"
} | tee "$out"
