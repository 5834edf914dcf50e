#!/usr/bin/env bash
# `make run`: the operator for real on one machine. A throwaway PostgreSQL 15 with TLS, a real
# Kubernetes control plane (etcd, kube-apiserver and the garbage collector, built by `make tools`,
# started by build/kube-control-plane), the CRD, deploy/'s ServiceAccount and RBAC and
# examples/k8s applied with kubectl, the operator running as that ServiceAccount, and
# `kubectl get dbs` printed until shop is Ready.
# Ctrl-C (or the end) stops everything it started and removes its folder.
#   DEMO_KEEP=1 make run    keep everything running until Ctrl-C
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$repo/build}"
bin="$build/schema-operator"
controlplane="$build/kube-control-plane"
pgbin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
pg_port="${DEMO_PG_PORT:-54329}"
metrics_port="${DEMO_METRICS_PORT:-18080}"
probe_port="${DEMO_PROBE_PORT:-18081}"
# The machine's kubectl, else the one `make deps` fetches into .tools/bin.
command -v kubectl >/dev/null 2>&1 || PATH="$repo/.tools/bin:$PATH"
for tool in "$bin" "$controlplane" "$repo/.tools/kube/kube-apiserver" "$pgbin/initdb" "$(command -v kubectl || echo kubectl)" /usr/bin/openssl; do
  [[ -x "$tool" ]] || { echo "demo: $tool not found; run 'make' first" >&2; exit 1; }
done

dir="$(mktemp -d /tmp/schema-operator-run.XXXXXX)"
pids=()
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  as_pg "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  echo "demo: stopped the operator, the control plane and PostgreSQL; removed $dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# GET over bash's /dev/tcp: curl is not on every machine.
http_get() {
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$2" >&3
  cat <&3
  exec 3<&-
}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. PostgreSQL 15 with TLS on 127.0.0.1:$pg_port (a CA of its own, a certificate for localhost)"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=schema-operator demo CA" \
  -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 1 \
  -extfile <(printf 'subjectAltName=DNS:localhost,IP:127.0.0.1') -out "$dir/server.crt" 2>/dev/null
chmod 600 "$dir/server.key"
if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir" "$dir/server.key" "$dir/server.crt"; fi
as_pg "$pgbin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -o "-c listen_addresses=127.0.0.1 -p $pg_port \
  -k $dir -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" start >/dev/null \
  || { cat "$dir/postgres.log" >&2; exit 1; }
psql=("$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$pg_port" -U postgres)
"${psql[@]}" -d postgres -c "CREATE ROLE shop LOGIN PASSWORD 'demo-password'" -c "CREATE DATABASE shop OWNER shop"
"${psql[@]}" -d shop -c "CREATE SCHEMA inventory AUTHORIZATION shop"
echo "database shop, owner shop; schema inventory for the second example"

step "2. A Kubernetes control plane: etcd, kube-apiserver, kube-controller-manager's garbage collector"
export KUBECONFIG="$dir/kubeconfig" HOME="$dir/home"
"$controlplane" --kubeconfig "$KUBECONFIG" --garbage-collector >"$dir/controlplane.log" 2>&1 &
pids+=($!)
for _ in $(seq 600); do grep -q '^ready' "$dir/controlplane.log" && break; kill -0 "${pids[-1]}" 2>/dev/null || break; sleep 0.1; done
grep -q '^ready' "$dir/controlplane.log" || { echo "demo: the control plane did not start:" >&2; cat "$dir/controlplane.log" >&2; exit 1; }
kubectl version 2>/dev/null | grep '^Server'

step "3. kubectl apply the CRD, the operator's ServiceAccount and RBAC, the examples, then the real Secrets"
echo "\$ kubectl apply -f crds/databaseschemas.yaml"
kubectl apply -f "$repo/crds/databaseschemas.yaml"
kubectl wait --for=condition=Established crd/databaseschemas.dbschema.io --timeout=30s >/dev/null
echo "\$ kubectl apply -f deploy/base/namespace.yaml -f deploy/base/serviceaccount.yaml -f deploy/rbac/"
kubectl apply -f "$repo/deploy/base/namespace.yaml" -f "$repo/deploy/base/serviceaccount.yaml" -f "$repo/deploy/rbac/"
echo "\$ kubectl apply -k examples/k8s"
kubectl apply -k "$repo/examples/k8s"
# The examples carry placeholders; these are the values for this machine's server.
kubectl apply -f - <<YAML
apiVersion: v1
kind: Secret
metadata: {name: shop-db, namespace: apps}
stringData:
  DATABASE_URL: "postgresql://shop:demo-password@localhost:$pg_port/shop"
---
apiVersion: v1
kind: Secret
metadata: {name: shop-db-ca, namespace: apps}
stringData:
  ca.crt: |
$(sed 's/^/    /' "$dir/ca.crt")
YAML

step "4. schema-operator run as ServiceAccount schema-operator-system/schema-operator (metrics on :$metrics_port, probes on :$probe_port, logs in $dir/operator.log)"
# As in a cluster, the operator is deploy/'s ServiceAccount and may do what deploy/rbac grants,
# nothing more. No token controller runs here: the token comes from the TokenRequest API.
operator_kubeconfig="$dir/operator.kubeconfig"
server="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
ca="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.certificate-authority}')"
token="$(kubectl create token schema-operator -n schema-operator-system --duration=24h)"
KUBECONFIG="$operator_kubeconfig" kubectl config set-cluster demo --server="$server" --certificate-authority="$ca" >/dev/null
KUBECONFIG="$operator_kubeconfig" kubectl config set-credentials schema-operator --token="$token" >/dev/null
KUBECONFIG="$operator_kubeconfig" kubectl config set-context demo --cluster=demo --user=schema-operator >/dev/null
KUBECONFIG="$operator_kubeconfig" kubectl config use-context demo >/dev/null
"$bin" run --kubeconfig "$operator_kubeconfig" --metrics-bind-address "127.0.0.1:$metrics_port" \
  --health-probe-bind-address "127.0.0.1:$probe_port" --runtime-dir "$dir/runtime" --log-format text \
  >"$dir/operator.log" 2>&1 &
pids+=($!)

step "5. kubectl get dbs -n apps, until shop is Ready"
started=$(date +%s.%N)
for i in $(seq 60); do
  kubectl get dbs -n apps
  if kubectl wait --for=condition=Ready -n apps databaseschema/shop --timeout=0s >/dev/null 2>&1; then
    awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "shop is Ready %.2f s after the operator started\n", b - a }'
    break
  fi
  [[ $i -eq 60 ]] && { echo "demo: shop did not become Ready; operator log:" >&2; cat "$dir/operator.log" >&2; exit 1; }
  sleep 1
  echo
done

step "6. What the operator did and found"
echo "\$ kubectl get events -n apps"
kubectl get events -n apps
echo
echo "\$ kubectl get dbs inventory -n apps -o jsonpath='{.status.drift.items[*].change}'   # mode: Plan only reports"
kubectl get dbs inventory -n apps -o jsonpath='{range .status.drift.items[*]}{.change}{"\t"}{.object}{"\n"}{end}' | head -8
echo
echo "\$ psql -c '\\dt public.*'"
"${psql[@]}" -d shop -c '\dt public.*'
echo "\$ curl -s localhost:$metrics_port/metrics | grep ^schema_operator_in_sync"
http_get "$metrics_port" /metrics | grep '^schema_operator_in_sync' || true

if [[ -n "${DEMO_KEEP:-}" ]]; then
  echo
  echo "Running. KUBECONFIG=$KUBECONFIG kubectl get dbs -A   ... Ctrl-C stops everything."
  wait "${pids[@]}"
fi
