#!/usr/bin/env python3
"""Online DDL under load (issue 18, docs/online-ddl.md): does an apply stall the application?

A throwaway PostgreSQL 15, a 2,000,000-row table, and a fixed-rate pgbench workload (4 clients,
point reads and updates, at about half the machine's capacity measured first) with per-transaction
latency logs. While it runs:

  scenario 1  six lock-safe changes on the busy table (an index, a foreign key, a check,
              SET NOT NULL, a varchar widening, a new column): `schema-operator apply`, versus
              the same changes as plain DDL in one transaction;
  scenario 2  a reporting query holds a plain read (ACCESS SHARE) for 30 s in an open
              transaction while a new column (ACCESS EXCLUSIVE) is wanted: `schema-operator
              apply` with its defaults, versus a plain ALTER TABLE.

Per run: the change's wall time, the workload's p50/p99/max latency while the change ran, the
throughput drop against the fixed rate, the longest stall (the largest gap between completed
transactions) and the total stalled time (gaps over 100 ms). Targets: scenario 1 longest stall
<= 0.25 s; scenario 2 longest stall <= 0.5 s, total <= 1.5 s, and the apply succeeds once the
reader ends, without any flag.

    SCHEMA_OPERATOR=build/schema-operator python3 bench/online_ddl.py [--rows N] [--out FILE]
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

PGBENCH = os.path.join(benchlib.PG_BIN, "pgbench")
CLIENTS = 4
GAP = 0.100  # a gap between completed transactions longer than this counts as stalled time

WORKLOAD = """\\set id random(1, :rows)
SELECT qty, code FROM orders WHERE id = :id;
UPDATE orders SET qty = qty + 1 WHERE id = :id;
"""

SETUP = """
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 10000) g;
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, qty integer, code varchar(10), placed timestamptz);
INSERT INTO orders SELECT g, 1 + g % 10000, 1 + g % 7, 'C' || (g % 1000), now() FROM generate_series(1, {rows}) g;
"""

BASE_YAML = """\
apiVersion: dbschema.io/v1alpha1
kind: DatabaseSchema
metadata: {{name: shop}}
spec:
  tables:
    - name: customers
      columns:
        - {{name: id, type: bigint, nullable: false}}
        - {{name: name, type: text, nullable: false}}
      primaryKey: [id]
    - name: orders
      columns:
        - {{name: id, type: bigint, nullable: false}}
        - {{name: customer_id, type: bigint}}
        - {{name: qty, type: integer{qty}}}
        - {{name: code, type: "{code}"}}
        - {{name: placed, type: timestamptz}}
{extra_columns}      primaryKey: [id]
{extras}"""

SIX_CHANGES_EXTRAS = """\
      foreignKeys:
        - {name: orders_customer_fk, columns: [customer_id], references: {table: customers, columns: [id]}}
      checks:
        - {name: orders_qty_positive, expression: "qty > 0"}
      indexes:
        - {name: orders_customer_idx, columns: [customer_id]}
"""

SIX_CHANGES_SQL = """BEGIN;
CREATE INDEX orders_customer_idx ON orders (customer_id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0);
ALTER TABLE orders ALTER COLUMN qty SET NOT NULL;
ALTER TABLE orders ALTER COLUMN code TYPE varchar(20);
ALTER TABLE orders ADD COLUMN note text;
COMMIT;
"""


def six_changes_yaml():
    return BASE_YAML.format(qty=", nullable: false", code="varchar(20)",
                            extra_columns="        - {name: note, type: text}\n", extras=SIX_CHANGES_EXTRAS)


def new_column_yaml():
    return BASE_YAML.format(qty="", code="varchar(10)", extra_columns="        - {name: note, type: text}\n",
                            extras="")


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def read_log(prefix):
    """(completion time in s, latency in s) per transaction, in completion order."""
    rows = []
    for path in glob.glob(prefix + ".*"):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) < 6:
                    continue
                latency = int(parts[2]) / 1e6
                done = int(parts[4]) + int(parts[5]) / 1e6
                rows.append((done, latency))
    rows.sort()
    return rows


def analyse(rows, start, end, rate):
    """The workload while the change ran: [start, end] widened by half a second each side, so a
    stall that begins as the change starts, or drains after it, is inside."""
    lo, hi = start - 0.5, end + 0.5
    window = [r for r in rows if lo <= r[0] <= hi]
    # Gaps between consecutive completions, from the last completion before the window.
    before = [r[0] for r in rows if r[0] < lo]
    times = ([before[-1]] if before else []) + [r[0] for r in window]
    gaps = [b - a for a, b in zip(times, times[1:])]
    lat = sorted(r[1] for r in window)
    expected = rate * (hi - lo)
    return {
        "p50": percentile(lat, 50), "p99": percentile(lat, 99), "max": lat[-1] if lat else float("nan"),
        "drop": max(0.0, 1.0 - len(window) / expected) if expected else 0.0,
        "longest": max(gaps) if gaps else float("nan"),
        "stalled": sum(g for g in gaps if g > GAP),
        "transactions": len(window),
    }


def pgbench(pg, db, script, args, log_prefix=None):
    cmd = [PGBENCH, "-n", "-h", pg.dir, "-p", str(pg.port), "-U", "postgres", "-c", str(CLIENTS), "-j", "2",
           "-f", script] + args
    if log_prefix:
        cmd += ["--log", "--log-prefix", log_prefix]
    return subprocess.Popen(cmd + [db], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def capacity(pg, db, script, seconds):
    out = pgbench(pg, db, script, ["-T", str(seconds)]).communicate()[0]
    for line in out.splitlines():
        if line.startswith("tps ="):
            return float(line.split()[2])
    raise RuntimeError("pgbench gave no tps:\n" + out)


def run_change(pg, db, script, rate, seconds, work, name, change, reader=False):
    """Runs the workload for `seconds`, starts the change 3 s in (after a 30 s reader when asked),
    and returns (change seconds, change ok, change output, workload figures)."""
    prefix = os.path.join(work, "pgbench_log_" + name)
    bench = pgbench(pg, db, script, ["-R", str(rate), "-T", str(seconds)], prefix)
    time.sleep(3)
    holder = None
    if reader:
        holder = subprocess.Popen(pg.psql_args(db) + ["-c", "BEGIN", "-c", "SELECT id FROM orders LIMIT 1",
                                                     "-c", "SELECT pg_sleep(30)", "-c", "COMMIT"],
                                  env=dict(os.environ, PGAPPNAME="nightly-report"), stdout=subprocess.DEVNULL)
        time.sleep(0.5)
    start = time.time()
    proc = subprocess.run(change, capture_output=True, text=True)
    end = time.time()
    if holder:
        holder.wait()
    out = bench.communicate()[0]
    if bench.returncode != 0:
        raise RuntimeError("pgbench failed:\n" + out)
    figures = analyse(read_log(prefix), start, end, rate)
    return end - start, proc.returncode == 0, (proc.stdout + proc.stderr), figures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--out", default=os.path.join(benchlib.REPO, "bench", "results", "online_ddl.txt"))
    args = ap.parse_args()
    binary = benchlib.binary()
    header = benchlib.machine()
    pg = benchlib.Postgres(port=54341).start()
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="schema-operator-bench-ddl.") as work:
            os.chmod(work, 0o755)
            script = os.path.join(work, "workload.sql")
            with open(script, "w") as f:
                f.write(WORKLOAD.replace(":rows", str(args.rows)))
            print(f"online_ddl: loading {args.rows:,} rows…", file=sys.stderr, flush=True)
            pg.create("template_shop")
            pg.psql("template_shop", "-c", SETUP.format(rows=args.rows))
            pg.psql("template_shop", "-c", "VACUUM ANALYZE customers, orders")
            pg.psql("postgres", "-c", "CHECKPOINT")
            pg.create("probe", template="template_shop")
            tps = capacity(pg, "probe", script, 8)
            rate = max(10, int(tps / 2))
            print(f"online_ddl: capacity {tps:.0f} tps, workload at {rate} tps", file=sys.stderr, flush=True)

            def apply_cmd(db, yaml_text):
                path = os.path.join(work, db + ".yaml")
                with open(path, "w") as f:
                    f.write(yaml_text)
                return [binary, "apply", "-f", path, "--database-url", pg.url(db)]

            runs = [
                ("1", "schema-operator apply", "s1_apply", lambda db: apply_cmd(db, six_changes_yaml()), False, 45),
                ("1", "plain DDL, one transaction", "s1_plain", None, False, 30),
                ("2", "schema-operator apply", "s2_apply", lambda db: apply_cmd(db, new_column_yaml()), True, 45),
                ("2", "plain ALTER TABLE", "s2_plain",
                 lambda db: pg.psql_args(db) + ["-c", "ALTER TABLE orders ADD COLUMN note text"], True, 45),
            ]
            for scenario, label, db, make, reader, seconds in runs:
                print(f"online_ddl: scenario {scenario}, {label}…", file=sys.stderr, flush=True)
                pg.create(db, template="template_shop")
                if make is None:
                    sql_path = os.path.join(work, db + ".sql")
                    with open(sql_path, "w") as f:
                        f.write(SIX_CHANGES_SQL)
                    change = pg.psql_args(db) + ["-f", sql_path]
                else:
                    change = make(db)
                took, ok, output, fig = run_change(pg, db, script, rate, seconds, work, db, change, reader)
                if not ok:
                    print(f"online_ddl: {label} failed:\n{output}", file=sys.stderr)
                results.append((scenario, label, took, ok, fig))
                pg.psql("postgres", "-c", f'DROP DATABASE "{db}"')
            version = pg.version()
    finally:
        pg.stop()

    lines = [header,
             f"# PostgreSQL {version}; orders: {args.rows:,} rows; pgbench {CLIENTS} clients at {rate} tps "
             f"(half of {tps:.0f} tps measured), point read + update per transaction",
             f"# command: SCHEMA_OPERATOR={binary} python3 bench/online_ddl.py --rows {args.rows}",
             "# figures over the change's run, widened by 0.5 s each side; stalled = sum of gaps over 100 ms",
             "",
             "| scenario | change | change time | ok | p50 | p99 | max latency | throughput drop | longest stall | stalled in all |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for scenario, label, took, ok, f in results:
        lines.append(f"| {scenario} | {label} | {took:.2f} s | {'yes' if ok else 'NO'} | {f['p50'] * 1000:.1f} ms | "
                     f"{f['p99'] * 1000:.1f} ms | {f['max'] * 1000:.0f} ms | {f['drop'] * 100:.0f}% | "
                     f"{f['longest']:.3f} s | {f['stalled']:.3f} s |")
    s1 = next(r for r in results if r[0] == "1" and r[1].startswith("schema-operator"))
    s2 = next(r for r in results if r[0] == "2" and r[1].startswith("schema-operator"))
    lines += ["",
              f"target scenario 1: longest stall <= 0.25 s: {s1[4]['longest']:.3f} s "
              f"{'met' if s1[3] and s1[4]['longest'] <= 0.25 else 'NOT met'}",
              f"target scenario 2: longest stall <= 0.5 s, total <= 1.5 s, apply succeeds: "
              f"{s2[4]['longest']:.3f} s, {s2[4]['stalled']:.3f} s, {'succeeded' if s2[3] else 'FAILED'} "
              f"{'met' if s2[3] and s2[4]['longest'] <= 0.5 and s2[4]['stalled'] <= 1.5 else 'NOT met'}"]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
