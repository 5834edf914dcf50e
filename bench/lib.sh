# Shared by the bench scripts: a throwaway PostgreSQL 15 on a unix socket, removed on exit.
# Sets PGDIR, PGPORT, psql (an array) and pg_url DB.
pgbin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PGDIR="$(mktemp -d /tmp/schema-operator-bench.XXXXXX)"
PGPORT=54331

as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
bench_cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

start_postgres() {
  [[ $(id -u) -eq 0 ]] && chown postgres: "$PGDIR"
  as_pg "$pgbin/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C >"$PGDIR/initdb.log" 2>&1
  # log_statement=all lets a bench count the round trips one command makes.
  as_pg "$pgbin/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -o \
    "-c listen_addresses='' -k $PGDIR -p $PGPORT -c fsync=off -c max_locks_per_transaction=1024 -c log_statement=${LOG_STATEMENT:-none}" \
    start >/dev/null
}

psql=("$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGDIR" -p "$PGPORT" -U postgres)
pg_url() { echo "host=$PGDIR port=$PGPORT dbname=$1 user=postgres"; }

# Median, min and max of numbers on stdin.
stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f %.3f %.3f\n", m, a[1], a[NR]}'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
