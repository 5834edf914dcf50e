#!/usr/bin/python3
"""Export against plan on the same generated schema: `schema-operator export` must stay within
1.5x the time of `schema-operator plan` at 1,000 tables, and grow linearly with tables.

    bench/export_bench.py [--tables 100 1000 5000] [--runs 5]

For each size, bench/generate_schema.py writes the schema, `apply` creates it in a fresh database
(not timed), then RUNS rounds each time one `plan -f schema.yaml` and one `export` of that database,
interleaved (plan, export, plan, export, ...) so that a busy machine slows both alike; fresh
processes each time. Each export must plan in sync against its database (checked once per size).
Reported: median (min-max) wall seconds, export/plan of the medians, per-table milliseconds of
export (flat when linear), peak RSS and the export's size. Written to bench/results/export.txt.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchlib  # noqa: E402


def measure(pg, n, runs, work):
    so = benchlib.binary()
    d = os.path.join(work, f"t{n}")
    benchlib.generate(n, d)
    yaml = os.path.join(d, "schema.yaml")
    db = f"export_{n}"
    pg.create(db)
    benchlib.timed([so, "apply", "-f", yaml, "--database-url", pg.url(db)], ok=(0, 2))
    pg.psql(db, "-c", "VACUUM ANALYZE")
    plan = [so, "plan", "-f", yaml, "--database-url", pg.url(db)]
    export = [so, "export", "--database-url", pg.url(db), "--name", "bench"]
    # Warm both once (the server's caches), and prove the export round-trips.
    benchlib.timed(plan)
    _, _, _, document = benchlib.timed(export, stdout=subprocess.PIPE)
    exported = os.path.join(d, "exported.yaml")
    with open(exported, "wb") as f:
        f.write(document)
    _, _, status, _ = benchlib.timed([so, "plan", "-f", exported, "--database-url", pg.url(db)], ok=(0, 2))
    result = {"n": n, "plan": [], "export": [], "plan_rss": [], "export_rss": [], "bytes": len(document),
              "round_trip": status == 0}
    for _ in range(runs):
        s, r, _, _ = benchlib.timed(plan)
        result["plan"].append(s)
        result["plan_rss"].append(r)
        s, r, _, _ = benchlib.timed(export)
        result["export"].append(s)
        result["export_rss"].append(r)
    return result


def report(results, runs, pg_version):
    lines = [benchlib.machine(),
             f"# PostgreSQL {pg_version} (fsync off, unix socket); {runs} rounds of plan then export, fresh processes;",
             "# median (min–max) wall seconds. ratio: export median / plan median (target ≤ 1.5 at 1,000 tables).",
             "# ms/table: export median per table (flat = linear). round trip: plan of the export exits 0.", ""]
    head = (f"{'tables':>6}  {'plan, s':<24} {'export, s':<24} {'ratio':>5} {'ms/table':>8} {'export RSS':>10} "
            f"{'size':>8}  round trip")
    lines += [head, "-" * len(head)]
    for r in results:
        plan_med = benchlib.stats(r["plan"])[0]
        export_med = benchlib.stats(r["export"])[0]
        lines.append(f"{r['n']:>6}  {benchlib.fmt(r['plan'], ''):<24} {benchlib.fmt(r['export'], ''):<24} "
                     f"{export_med / plan_med:>5.2f} {export_med * 1000 / r['n']:>8.3f} "
                     f"{max(r['export_rss']) / 1024:>7.0f} MB {r['bytes'] / 1024:>6.0f} KB  "
                     f"{'in sync' if r['round_trip'] else 'DRIFT'}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, nargs="+", default=[100, 1000, 5000])
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", 5)))
    ap.add_argument("--out", default=os.path.join(benchlib.REPO, "bench", "results", "export.txt"))
    args = ap.parse_args()
    benchlib.run_and_write("export_bench", benchlib.Postgres(port=54334), args.tables, args.runs, measure, report,
                           args.out)


if __name__ == "__main__":
    main()
