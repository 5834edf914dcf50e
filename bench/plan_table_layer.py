#!/usr/bin/python3
"""Plan of the completed table layer (issue 15) against its catalog floor.

    bench/plan_table_layer.py [--tables 1000] [--runs 5]

bench/generate_schema.py's schema at TABLES tables, plus what the table layer added: an expression
index, a range-partitioned table with 12 partitions (and an index on the parent, which each partition
gets), 10 domains (with checks) and 20 sequences. A throwaway PostgreSQL gets it through
`schema-operator apply`. Measured, RUNS times each, interleaved, each a fresh process:
  in sync   `schema-operator plan` on the database as applied (the daily re-check)
  floor     the catalog read the in-sync plan sends on one connection, through `psql -f`
  drifted   `schema-operator plan` after the generator's drift and one drift of each new kind
  floor+    every statement the drifted plan sent on one connection, through `psql -f`
Statements are counted in the server log; the questions among them (scratch tables, partitions,
expression indexes) are sent pipelined, so they cost one round trip however many there are
(tests/integration/engine/partitions_test.cpp counts round trips on the wire). Written to bench/results/plan_table_layer.txt.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchlib  # noqa: E402
from plan_vs_alembic import floor_script  # noqa: E402

PARTITIONS = 12
DOMAINS = 10
SEQUENCES = 20


def table_layer_yaml():
    """The table layer's new kinds, as block YAML lines to append under `spec:` (JSON scalars)."""
    q = json.dumps
    lines = ["  domains:"]
    for i in range(DOMAINS):
        base = "text" if i % 2 == 0 else "integer"
        check = "VALUE ~ '@'" if base == "text" else "VALUE >= 0"
        lines += [f"    - name: dom_{i:02d}", f"      type: {base}", "      checks:",
                  f"        - {{name: dom_{i:02d}_check, expression: {q(check)}}}"]
    lines.append("  sequences:")
    for i in range(SEQUENCES):
        lines.append(f"    - {{name: seq_{i:02d}, type: bigint, start: {1000 * (i + 1)}, increment: {1 + i % 3}}}")
    return lines


def table_layer_tables():
    """The partitioned table and its partitions, as block YAML list items under `tables:`."""
    q = json.dumps
    lines = ["    - name: events",
             "      columns:",
             "        - {name: id, type: bigint, nullable: false}",
             "        - {name: created_at, type: timestamptz, nullable: false}",
             "        - {name: email, type: dom_00}",
             "        - {name: payload, type: jsonb}",
             "      partitionBy: {strategy: range, columns: [created_at]}",
             "      indexes:",
             "        - {name: events_created_idx, columns: [created_at]}"]
    for m in range(1, PARTITIONS + 1):
        start = f"2026-{m:02d}-01"
        end = f"2026-{m + 1:02d}-01" if m < 12 else "2027-01-01"
        bounds = q(f"FOR VALUES FROM ('{start}') TO ('{end}')")
        lines += [f"    - name: events_2026_{m:02d}", f"      partitionOf: {{table: events, bounds: {bounds}}}"]
    return lines


def add_table_layer(yaml_path):
    """Appends the new kinds to the generator's schema.yaml, and an expression index to its first table."""
    text = open(yaml_path).read()
    marker = "  tables:\n"
    assert text.count(marker) == 1, "generate_schema.py's layout changed"
    first_indexes = "      indexes:\n"
    at = text.index(marker)
    head, tables = text[:at], text[at + len(marker):]
    i = tables.index(first_indexes)
    tables = (tables[:i + len(first_indexes)]
              + '        - name: t00000_lower_name_idx\n          keys: [{expression: "lower(name)"}]\n'
              + tables[i + len(first_indexes):])
    out = head + "\n".join(table_layer_yaml()) + "\n" + marker + "\n".join(table_layer_tables()) + "\n" + tables
    with open(yaml_path, "w") as f:
        f.write(out)


DRIFT = """
ALTER SEQUENCE seq_03 INCREMENT BY 7;
ALTER DOMAIN dom_01 DROP CONSTRAINT dom_01_check;
DROP INDEX t00000_lower_name_idx;
ALTER TABLE events DETACH PARTITION events_2026_12;
"""


def drifted_runs(plan_json, floor_all, runs, r):
    """RUNS interleaved runs of the drifted plan and its floor+, into r["drifted"], r["drifted_rss"]
    and r["floor_all"]; returns the (change, object) pairs the last plan reported."""
    out = None
    for _ in range(runs):
        s, rss, _, out = benchlib.timed(plan_json, stdout=-1, ok=(2,))
        r["drifted"].append(s)
        r["drifted_rss"].append(rss)
        r["floor_all"].append(benchlib.timed(floor_all)[0])
    report = json.loads(out.decode().splitlines()[0])
    items = report.get("drift", {}).get("items", report.get("items", []))
    return {(i.get("change"), i.get("object")) for i in items} if isinstance(items, list) else set()


def measure(pg, n, runs, work):
    so = benchlib.binary()
    d = os.path.join(work, f"t{n}")
    benchlib.generate(n, d)
    yaml = os.path.join(d, "schema.yaml")
    add_table_layer(yaml)
    db = f"layer_{n}"
    pg.create(db)
    benchlib.timed([so, "apply", "-f", yaml, "--database-url", pg.url(db)])
    pg.psql(db, "-c", "VACUUM ANALYZE")
    plan = [so, "plan", "-f", yaml, "--database-url", pg.url(db)]
    one = ["--single-connection"]
    benchlib.timed(plan)  # exit 0: in sync after the apply
    insync_trips = len(pg.statements(lambda env: benchlib.timed(plan, env=env)))
    floor_sql = os.path.join(d, "floor.sql")
    floor_script(pg.statements(lambda env: benchlib.timed(plan + one, env=env)), floor_sql)
    floor = pg.psql_args(db) + ["-A", "-t", "-o", os.devnull, "-f", floor_sql]

    r = {"insync": [], "floor": [], "drifted": [], "floor_all": [], "insync_rss": [], "drifted_rss": []}
    for _ in range(runs):
        s, rss, _, _ = benchlib.timed(plan)
        r["insync"].append(s)
        r["insync_rss"].append(rss)
        r["floor"].append(benchlib.timed(floor)[0])

    pg.psql(db, "-f", os.path.join(d, "drift.sql"))
    pg.psql(db, "-c", DRIFT)
    pg.psql(db, "-c", "VACUUM ANALYZE")
    plan_json = plan + ["-o", "json"]
    drifted_trips = len(pg.statements(lambda env: benchlib.timed(plan_json, env=env, ok=(2,))))
    all_sql = os.path.join(d, "floor-all.sql")
    floor_script(pg.statements(lambda env: benchlib.timed(plan_json + one, env=env, ok=(2,))), all_sql)
    floor_all = pg.psql_args(db) + ["-A", "-t", "-o", os.devnull, "-f", all_sql]
    seen = drifted_runs(plan_json, floor_all, runs, r)
    new_kinds = [k for k in seen if k[1] and (k[1].startswith(("seq_03", "dom_01", "events", "t00000.t00000_lower")))]
    return {"n": n, "insync_trips": insync_trips, "drifted_trips": drifted_trips,
            "floor_trips": len(pg.statements(lambda env: benchlib.timed(floor, env=env))),
            "floor_all_trips": len(pg.statements(lambda env: benchlib.timed(floor_all, env=env))),
            "new_kinds": sorted(new_kinds), **r}


def report(results, runs, pg_version):
    lines = [benchlib.machine(),
             f"# PostgreSQL {pg_version} (fsync off, unix socket); {runs} runs each, interleaved; median (min–max)",
             f"# the generator's schema plus an expression index, a range-partitioned table with {PARTITIONS}",
             f"# partitions and a parent index, {DOMAINS} domains with checks, {SEQUENCES} sequences.",
             "# in sync / drifted: `schema-operator plan`, fresh process, wall time; floor / floor+: the statements",
             "# the in-sync / drifted plan sent on one connection, through `psql -f`, one round trip each.",
             ""]
    for r in results:
        med = {k: benchlib.stats(r[k])[0] for k in ("insync", "floor", "drifted", "floor_all")}
        lines += [f"{r['n']} tables:",
                  f"  in sync  {benchlib.fmt(r['insync'])}  {r['insync_trips']} statements, "
                  f"peak RSS {max(r['insync_rss']) / 1024:.0f} MB",
                  f"  floor    {benchlib.fmt(r['floor'])}  {r['floor_trips']} statements",
                  f"  drifted  {benchlib.fmt(r['drifted'])}  {r['drifted_trips']} statements, "
                  f"peak RSS {max(r['drifted_rss']) / 1024:.0f} MB",
                  f"  floor+   {benchlib.fmt(r['floor_all'])}  {r['floor_all_trips']} statements",
                  f"  in sync / floor {med['insync'] / med['floor']:.2f}x   drifted / floor+ "
                  f"{med['drifted'] / med['floor_all']:.2f}x",
                  "  drift of the new kinds reported: " + "; ".join(f"{c} {o}" for c, o in r["new_kinds"])]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    benchlib.main("plan_table_layer", 54334, [1000], measure, report)
