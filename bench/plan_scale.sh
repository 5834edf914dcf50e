#!/usr/bin/env bash
# `schema-operator plan` on the shop example and on generated schemas: wall time (median, min,
# max of RUNS fresh processes) and the round trips one plan sends (counted in the server's log).
#   bench/plan_scale.sh [TABLES...]      default: 1000
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${SCHEMA_OPERATOR:-$repo/build/schema-operator}"
runs="${RUNS:-5}"
LOG_STATEMENT=all
source "$repo/bench/lib.sh"
start_postgres

out="$repo/bench/results/plan_scale.txt"
{
  echo "# schema-operator plan: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m)"
  echo "# $runs runs each, fresh process each; seconds; round trips counted from the server log"
  printf '%-22s %10s %10s %10s %12s %14s\n' schema median min max round_trips apply_seconds
} | tee "$out"

measure() {  # name yaml
  local name=$1 yaml=$2 db="b_$1"
  "${psql[@]}" -d postgres -c "CREATE DATABASE \"$db\""
  local t0 t1
  t0=$(now)
  "$bin" apply -f "$yaml" --database-url "$(pg_url "$db")" >/dev/null || { echo "apply failed for $name" >&2; exit 1; }
  t1=$(now)
  local apply_s; apply_s=$(elapsed "$t0" "$t1")
  # One plan between two marker statements: what the server logged in between is its round trips.
  "${psql[@]}" -d postgres -c "SELECT 'bench-start'" >/dev/null
  "$bin" plan -f "$yaml" --database-url "$(pg_url "$db")" >/dev/null
  "${psql[@]}" -d postgres -c "SELECT 'bench-end'" >/dev/null
  local trips
  trips=$(awk "/SELECT 'bench-start'/ {on=1; next} /SELECT 'bench-end'/ {on=0} on && /LOG:  (statement|execute)/" \
    "$PGDIR/server.log" | grep -vc "^.*LOG:  statement: SELECT 'bench" || true)
  # Reset the log so the next measurement counts only its own statements.
  : > "$PGDIR/server.log"
  local times=()
  for _ in $(seq "$runs"); do
    t0=$(now)
    "$bin" plan -f "$yaml" --database-url "$(pg_url "$db")" >/dev/null
    t1=$(now)
    times+=("$(elapsed "$t0" "$t1")")
  done
  read -r med min max < <(printf '%s\n' "${times[@]}" | stats)
  printf '%-22s %10s %10s %10s %12s %14.3f\n' "$name" "$med" "$min" "$max" "$trips" "$apply_s" | tee -a "$out"
}

measure shop "$repo/examples/shop.yaml"
for n in "${@:-1000}"; do
  python3 "$repo/bench/generate_schema.py" --tables "$n" > "$PGDIR/gen_$n.yaml"
  measure "generated_$n" "$PGDIR/gen_$n.yaml"
done
echo "written to $out"
