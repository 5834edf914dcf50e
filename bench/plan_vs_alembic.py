#!/usr/bin/python3
"""Plan at scale: `schema-operator plan` against Alembic's compare_metadata and against the floor
(the catalog queries schema-operator sends, through psql), on the same drifted database, in one run.

    bench/plan_vs_alembic.py [--tables 100 1000 5000] [--runs 5]

For each size, bench/generate_schema.py writes the DatabaseSchema, the same schema as SQLAlchemy
models, and a few hundred drifts of every kind. A throwaway PostgreSQL gets the schema (through
`schema-operator apply`), then the drift. Measured, RUNS times each, interleaved, each a fresh
process:
  plan      `schema-operator plan -o json` on the drifted database (wall time of the process)
  alembic   compare_metadata with compare_type and compare_server_default (bench/alembic_diff.py;
            the time of connect + compare inside the process, not Python's start or the import of
            the models: the part that compares)
  floor     the catalog read: the statements an in-sync plan sends (taken from the server's log:
            search_path, BEGIN, the queries of src/pg/inspect.cpp, COMMIT), parameters inlined, sent
            by `psql -f` in one session (wall time of the psql process, which, like plan's,
            includes starting and connecting)
  floor+    the same for every statement the drifted plan sent (the catalog read, then the
            questions put to scratch tables and the probe of the data)
  in sync   `schema-operator plan` on the database before the drift (the daily re-check)
Also: round trips (statements in the server log during one run), peak RSS, and how many injected
drifts each tool reports (recall, by kind) and how many it invents. Written to
bench/results/plan_vs_alembic.txt.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchlib  # noqa: E402
from drift_keys import schema_operator_keys, score  # noqa: E402

# Alembic cannot see these kinds at all: it does not compare them.
ALEMBIC_BLIND = {"missing_check", "check_changed", "extra_check", "enum_value_missing", "enum_value_extra",
                 "missing_primary_key"}


def _one_round_trip(text):
    """`; ` between statements as `\\; ` (psql then sends the string as one), but not inside a
    quoted literal, identifier or dollar-quoted body (a scratch function's `BEGIN RETURN NULL; END`)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            j = i + 1
            while j < n and not (text[j] == c and text[j + 1:j + 2] != c):
                j += 2 if text[j] == c else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif c == "$" and re.match(r"\$[A-Za-z_]*\$", text[i:]) and not re.match(r"\$\d", text[i:]):
            tag = re.match(r"\$[A-Za-z_]*\$", text[i:]).group(0)
            j = text.find(tag, i + len(tag))
            j = n if j < 0 else j + len(tag)
            out.append(text[i:j])
            i = j
        elif text.startswith("; ", i):
            out.append("\\; ")
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def floor_script(statements, path):
    """The statements as psql input: parameters inlined as the literals the log shows, one line per
    round trip (`\\;` keeps a multi-statement string such as "BEGIN; SET TRANSACTION …" one)."""
    with open(path, "w") as f:
        for text, params in statements:
            for name in sorted(params, key=len, reverse=True):
                text = text.replace(name, params[name])
            f.write(_one_round_trip(text.rstrip().rstrip(";")) + ";\n")


def measure(pg, n, runs, work):
    so = benchlib.binary()
    d = os.path.join(work, f"t{n}")
    benchlib.generate(n, d)
    drifts = json.load(open(os.path.join(d, "drifts.json")))
    yaml, models = os.path.join(d, "schema.yaml"), os.path.join(d, "models.py")
    db = f"bench_{n}"
    pg.create(db)
    apply_s, _, _, _ = benchlib.timed([so, "apply", "-f", yaml, "--database-url", pg.url(db)])
    pg.psql(db, "-c", "VACUUM ANALYZE")  # a live database has statistics on its catalog
    plan = [so, "plan", "-f", yaml, "--database-url", pg.url(db)]
    benchlib.timed(plan)  # exit 0: in sync after the apply

    # In sync: the re-check that finds nothing. What it sends is the catalog read alone: the floor,
    # taken from a plan on one connection (from 200 tables plan reads over two by default).
    one = ["--single-connection"]
    insync = [benchlib.timed(plan)[0] for _ in range(runs)]
    insync_trips = len(pg.statements(lambda env: benchlib.timed(plan, env=env)))
    catalog = pg.statements(lambda env: benchlib.timed(plan + one, env=env))
    floor_sql = os.path.join(d, "floor.sql")
    floor_script(catalog, floor_sql)

    pg.psql(db, "-f", os.path.join(d, "drift.sql"))
    pg.psql(db, "-c", "VACUUM ANALYZE")
    plan_json = plan + ["-o", "json"]
    plan_trips = len(pg.statements(lambda env: benchlib.timed(plan_json, env=env, ok=(2,))))
    sent = pg.statements(lambda env: benchlib.timed(plan_json + one, env=env, ok=(2,)))
    all_sql = os.path.join(d, "floor-all.sql")
    floor_script(sent, all_sql)
    floor = pg.psql_args(db) + ["-A", "-t", "-o", os.devnull, "-f", floor_sql]
    floor_all = pg.psql_args(db) + ["-A", "-t", "-o", os.devnull, "-f", all_sql]
    floor_trips = len(pg.statements(lambda env: benchlib.timed(floor, env=env)))
    floor_all_trips = len(pg.statements(lambda env: benchlib.timed(floor_all, env=env)))
    alembic = [benchlib.PYTHON, os.path.join(benchlib.REPO, "bench", "alembic_diff.py"), models, pg.sqlalchemy_url(db)]
    alembic_trips = len(pg.statements(lambda env: benchlib.timed(alembic, env=env, stdout=-1)))

    r = {"plan": [], "plan_rss": [], "plan_one": [], "plan_one_rss": [], "alembic": [], "alembic_process": [], "alembic_rss": [], "floor": [],
         "floor_rss": [], "floor_all": [], "floor_all_rss": []}
    plan_out = alembic_out = None
    for _ in range(runs):
        s, rss, _, out = benchlib.timed(plan_json, stdout=-1, ok=(2,))
        r["plan"].append(s)
        r["plan_rss"].append(rss)
        plan_out = out
        s, rss, _, _ = benchlib.timed(plan_json + one, stdout=-1, ok=(2,))
        r["plan_one"].append(s)
        r["plan_one_rss"].append(rss)
        s, rss, _, _ = benchlib.timed(floor)
        r["floor"].append(s)
        r["floor_rss"].append(rss)
        s, rss, _, _ = benchlib.timed(floor_all)
        r["floor_all"].append(s)
        r["floor_all_rss"].append(rss)
        s, rss, _, out = benchlib.timed(alembic, stdout=-1)
        alembic_out = json.loads(out)
        r["alembic"].append(alembic_out["seconds"])
        r["alembic_process"].append(s)
        r["alembic_rss"].append(rss)
    so_score = score(drifts, schema_operator_keys(json.loads(plan_out.decode().splitlines()[0])))
    al_score = score(drifts, alembic_out["keys"])
    return {"n": n, "drifts": len(drifts), "apply": apply_s, "insync": insync, "insync_trips": insync_trips,
            "plan_trips": plan_trips, "plan_one_trips": len(sent), "floor_trips": floor_trips, "floor_all_trips": floor_all_trips,
            "alembic_trips": alembic_trips, "so": so_score, "al": al_score, **r}


def report(results, runs, pg_version):
    import alembic
    import sqlalchemy

    lines = [benchlib.machine(),
             f"# PostgreSQL {pg_version} (fsync off, unix socket); Alembic {alembic.__version__}, "
             f"SQLAlchemy {sqlalchemy.__version__}; {runs} runs each, interleaved; median (min–max)",
             "# plan: `schema-operator plan -o json`, fresh process, wall time (from 200 tables it reads the catalog",
             "# over two connections in one snapshot); plan/1: the same with --single-connection. alembic: connect + compare_metadata",
             "# (compare_type, compare_server_default) inside a fresh Python process (its start and the import of",
             "# the models not counted). floor: the catalog read an in-sync plan sends on one connection (search_path,",
             "# BEGIN, the queries of src/pg/inspect.cpp as one batch, COMMIT) through `psql -f`, fresh process, wall time.",
             "# floor+: every statement the drifted plan/1 sent (the catalog read, then the scratch-table questions",
             "# and the probe), the same way. in sync: plan before the drift. trips: statements in the server log.",
             "# found: injected drifts reported (all their items); invented: reported items no drift explains.",
             ""]
    head = f"{'tables':>6} {'drifts':>6}  {'tool':<9} {'seconds, median (min–max)':<27} {'trips':>6} {'peak RSS':>9}  {'found':>9} {'invented':>8}"
    lines += [head, "-" * len(head)]
    for r in results:
        def row(tool, values, trips, rss, sc):
            found = f"{sc['found']}/{sc['injected']}" if sc else ""
            invented = str(len(sc["invented"])) if sc else ""
            lines.append(f"{r['n']:>6} {r['drifts']:>6}  {tool:<9} {benchlib.fmt(values, ''):<27} {trips:>6} "
                         f"{max(rss) / 1024:>6.0f} MB  {found:>9} {invented:>8}")
        row("plan", r["plan"], r["plan_trips"], r["plan_rss"], r["so"])
        row("plan/1", r["plan_one"], r["plan_one_trips"], r["plan_one_rss"], None)
        row("alembic", r["alembic"], r["alembic_trips"], r["alembic_rss"], r["al"])
        row("floor", r["floor"], r["floor_trips"], r["floor_rss"], None)
        row("floor+", r["floor_all"], r["floor_all_trips"], r["floor_all_rss"], None)
        lines.append(f"{r['n']:>6} {'':>6}  {'in sync':<9} {benchlib.fmt(r['insync'], ''):<27} {r['insync_trips']:>6}")
        plan, one, al, fl, fa = (benchlib.stats(r[k])[0] for k in ("plan", "plan_one", "alembic", "floor", "floor_all"))
        lines.append(f"{'':>15}alembic/plan {al / plan:.1f}x   plan/floor {plan / fl:.2f}x   plan/1 / floor {one / fl:.2f}x   "
                     f"plan/1 / floor+ {one / fa:.2f}x")
        lines.append(f"{'':>15}"
                     f"alembic process wall {benchlib.fmt(r['alembic_process'], 's')}")
    if len(results) > 1:
        lines.append("")
        per = ", ".join(f"{r['n']}: {benchlib.stats(r['plan'])[0] / r['n'] * 1e6:.0f} µs" for r in results)
        lines.append(f"plan time per table (median / tables): {per}")
    big = max(results, key=lambda r: r["n"] if r["n"] <= 1000 else 0)
    lines += ["", f"Recall by drift kind at {big['n']} tables (found / injected; '-' = Alembic does not compare it):",
              f"{'kind':<24} {'plan':>9} {'alembic':>9}"]
    for kind, (inj, found) in big["so"]["kinds"].items():
        ai, af = big["al"]["kinds"].get(kind, (inj, 0))
        blind = " -" if kind in ALEMBIC_BLIND else ""
        lines.append(f"{kind:<24} {found:>4}/{inj:<4} {af:>4}/{ai:<4}{blind}")
    for r in results:
        for tool, sc in (("plan", r["so"]), ("alembic", r["al"])):
            if sc["invented"]:
                lines.append(f"invented by {tool} at {r['n']} tables ({len(sc['invented'])}), first ones: "
                             + "; ".join(" ".join(k).strip() for k in sc["invented"][:5]))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, nargs="+", default=[100, 1000, 5000])
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", 5)))
    ap.add_argument("--out", default=os.path.join(benchlib.REPO, "bench", "results", "plan_vs_alembic.txt"))
    args = ap.parse_args()
    benchlib.run_and_write("plan_vs_alembic", benchlib.Postgres(), args.tables, args.runs, measure, report, args.out)


if __name__ == "__main__":
    main()
