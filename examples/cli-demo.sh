#!/usr/bin/env bash
# `make run`: a throwaway PostgreSQL 15 with a drifted shop database, then the operator's CLI
# planning and applying examples/shop.yaml against it. Leaves nothing behind, Ctrl-C included.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${SCHEMA_OPERATOR:-$repo/build/schema-operator}"
pgbin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
[[ -x "$bin" ]] || { echo "demo: $bin not found; run 'make build' first" >&2; exit 1; }
[[ -x "$pgbin/initdb" ]] || { echo "demo: $pgbin/initdb not found; run 'make deps' first" >&2; exit 1; }

dir="$(mktemp -d /tmp/schema-operator-demo.XXXXXX)"
port=54329

# Postgres refuses to run as root: use the postgres account then, the caller's otherwise.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
as_pg "$pgbin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-c listen_addresses='' -k $dir -p $port" start \
  >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

psql=("$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres)
"${psql[@]}" -d postgres -c "CREATE DATABASE shop"
"${psql[@]}" -d shop -f "$repo/examples/shop-drifted.sql"

export DATABASE_URL="host=$dir port=$port dbname=shop user=postgres"
yaml="$repo/examples/shop.yaml"

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; }
# Runs the CLI and checks its exit status against the one the contract promises.
expect() {
  local want=$1; shift
  local got=0
  "$bin" "$@" || got=$?
  if [[ $got -ne $want ]]; then
    echo "demo: 'schema-operator $*' exited $got, expected $want" >&2
    exit 1
  fi
  echo "(exit $got)"
}

step "1. What drifted? (plan changes nothing; exit 2 = drift found)" schema-operator plan -f examples/shop.yaml
expect 2 plan -f "$yaml"

step "2. Fix the safe part (destructive changes wait for approval; exit 2 = still pending)" \
  schema-operator apply -f examples/shop.yaml
expect 2 apply -f "$yaml"

step "3. What is still pending, as a pipeline would read it" schema-operator plan -f examples/shop.yaml -o json
expect 2 plan -f "$yaml" -o json

step "4. Approve the destructive part (exit 0 = the database now matches)" \
  schema-operator apply -f examples/shop.yaml --allow-destructive
expect 0 apply -f "$yaml" --allow-destructive

step "5. In sync? (exit 0)" schema-operator plan -f examples/shop.yaml
expect 0 plan -f "$yaml"

step "The result" 'psql -c "\d orders"'
"${psql[@]}" -d shop -c '\d orders'
echo
echo "demo: done; the throwaway server and its folder are removed now."
