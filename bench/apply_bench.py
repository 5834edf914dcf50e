#!/usr/bin/python3
"""Apply: creating a generated schema from an empty database, and fixing its injected drift.

    bench/apply_bench.py [--tables 1000] [--runs 5]

For each size, bench/generate_schema.py writes the schema and its drifts (see plan_vs_alembic.py).
Measured RUNS times each, a fresh process and a fresh database each time:
  create   `schema-operator apply` on an empty database (a new database each run)
  fix      `schema-operator apply --allow-destructive` on a copy of the drifted database
           (CREATE DATABASE … TEMPLATE, not timed)
After each, `schema-operator plan` must find the database in sync. Reported: wall time, the
statements applied, round trips (statements in the server log during one run) and peak RSS.
Written to bench/results/apply.txt.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchlib  # noqa: E402


def applied_statements(out):
    return sum(len(json.loads(line).get("applied", [])) for line in out.decode().splitlines() if line.strip())


def measure(pg, n, runs, work):
    so = benchlib.binary()
    d = os.path.join(work, f"t{n}")
    benchlib.generate(n, d)
    yaml = os.path.join(d, "schema.yaml")
    drifts = len(json.load(open(os.path.join(d, "drifts.json"))))

    def apply(db, *extra):
        return [so, "apply", "-f", yaml, "--database-url", pg.url(db), "-o", "json", *extra]

    def in_sync(db):
        _, _, status, _ = benchlib.timed([so, "plan", "-f", yaml, "--database-url", pg.url(db)], ok=(0, 2))
        return status == 0

    result = {"n": n, "drifts": drifts}
    # Create from empty.
    times, rss, statements, synced = [], [], 0, True
    for k in range(runs):
        db = f"create_{n}_{k}"
        pg.create(db)
        s, r, _, out = benchlib.timed(apply(db), stdout=-1, ok=(0, 2))
        times.append(s)
        rss.append(r)
        statements = applied_statements(out)
        synced = synced and in_sync(db)
        pg.psql("postgres", "-c", f'DROP DATABASE "{db}"')
    pg.create(f"trips_{n}")
    trips = len(pg.statements(lambda env: benchlib.timed(apply(f"trips_{n}"), env=env, stdout=-1, ok=(0, 2))))
    result["create"] = (times, rss, statements, trips, synced)

    # The drifted database, kept as a template; each run fixes a copy.
    template = f"drifted_{n}"
    pg.create(template)
    benchlib.timed(apply(template), ok=(0, 2))
    pg.psql(template, "-f", os.path.join(d, "drift.sql"))
    pg.psql(template, "-c", "VACUUM ANALYZE")
    times, rss, synced = [], [], True
    for k in range(runs):
        db = f"fix_{n}_{k}"
        pg.create(db, template=template)
        s, r, _, out = benchlib.timed(apply(db, "--allow-destructive"), stdout=-1, ok=(0, 2))
        times.append(s)
        rss.append(r)
        statements = applied_statements(out)
        synced = synced and in_sync(db)
        pg.psql("postgres", "-c", f'DROP DATABASE "{db}"')
    pg.create(f"fixtrips_{n}", template=template)
    trips = len(pg.statements(lambda env: benchlib.timed(apply(f"fixtrips_{n}", "--allow-destructive"), env=env,
                                                          stdout=-1, ok=(0, 2))))
    result["fix"] = (times, rss, statements, trips, synced)
    return result


def report(results, runs, pg_version):
    lines = [benchlib.machine(),
             f"# PostgreSQL {pg_version} (fsync off, unix socket); {runs} runs each, a fresh process and database "
             "each; median (min–max)",
             "# create: `schema-operator apply` on an empty database. fix: `apply --allow-destructive` on a copy of",
             "# the drifted database. statements: applied (`-o json`). trips: statements in the server log (the",
             "# catalog reads before and after, the advisory lock, each step's lock_timeout and statements).",
             "# after: a following `schema-operator plan` (exit 0 = in sync).", ""]
    head = (f"{'tables':>6} {'drifts':>6}  {'what':<7} {'seconds, median (min–max)':<27} {'statements':>10} "
            f"{'trips':>6} {'peak RSS':>9}  after")
    lines += [head, "-" * len(head)]
    for r in results:
        for what, drifts in (("create", ""), ("fix", r["drifts"])):
            times, rss, statements, trips, synced = r[what]
            lines.append(f"{r['n']:>6} {drifts:>6}  {what:<7} {benchlib.fmt(times, ''):<27} {statements:>10} "
                         f"{trips:>6} {max(rss) / 1024:>6.0f} MB  {'in sync' if synced else 'DRIFT LEFT'}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, nargs="+", default=[1000])
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", 5)))
    ap.add_argument("--out", default=os.path.join(benchlib.REPO, "bench", "results", "apply.txt"))
    args = ap.parse_args()
    benchlib.run_and_write("apply_bench", benchlib.Postgres(port=54333), args.tables, args.runs, measure, report, args.out)


if __name__ == "__main__":
    main()
