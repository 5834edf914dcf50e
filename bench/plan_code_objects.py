#!/usr/bin/python3
"""Plan with issue 16's code and access objects against its catalog floor.

    bench/plan_code_objects.py [--tables 200 1000] [--runs 5]

bench/generate_schema.py's schema at TABLES tables, plus, for every 1,000 tables (scaled with
TABLES, so a smaller size also has fewer objects): 100 functions (20 PL/pgSQL trigger functions, 80
SQL functions with arguments, some reading a table), 100 views over the tables (every fifth reading
the view before it), 200 BEFORE UPDATE row triggers on 200 tables (every fourth with a `when`), 200
policies on 200 tables with row-level security on, and `grants` on every table to `bench_app`, a
role made in the throwaway cluster before the apply. Views, triggers and policies sit on tables the
generator's drift leaves alone. `schema-operator apply` creates it all. Measured, RUNS times each,
interleaved, each a fresh process:
  in sync         `schema-operator plan` on the database as applied (the daily re-check); the
                  declared view queries are not spelt as Postgres prints them, so they are put to
                  Postgres on every plan (a question transaction)
  floor           the statements the in-sync plan sends on one connection, through `psql -f`
  export in sync  `schema-operator plan` of the document `schema-operator export` writes for the
                  applied database (the adopted database: texts exactly as Postgres prints them)
  export floor    its statements, through `psql -f`
  drifted         `schema-operator plan` after the generator's drift and one drift of each new kind
                  (a trigger dropped, a function body changed, a view dropped, a policy dropped, a
                  grant revoked)
  floor+          every statement the drifted plan sent on one connection, through `psql -f`
Statements are counted in the server log, one line each; the questions among them (views, policy
and trigger texts put to Postgres) are pipelined, so they grow with the objects while the round
trips do not. Round trips are counted on the wire (strace of the plan: on each socket, the times the
client goes from sending to receiving), by default and with --single-connection (from some size on
the catalog read goes over two connections, each with its own start), and must be the same at
every size. Written to
bench/results/plan_code_objects.txt.
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchlib  # noqa: E402
from plan_table_layer import drifted_runs  # noqa: E402
from plan_vs_alembic import floor_script  # noqa: E402

ROLE = "bench_app"


def counts(n):
    """Objects at n tables: 100 functions, 100 views, 200 triggers, 200 policies per 1,000 tables."""
    scale = max(1, n // 10)  # 100 at 1,000 tables
    return {"trigger_functions": max(1, scale // 5), "sql_functions": scale - max(1, scale // 5),
            "views": scale, "triggers": 2 * scale, "policies": 2 * scale}


def quiet_tables(d, n):
    """The generated tables the generator's drift does not touch, in order."""
    touched = {x["table"] for x in json.load(open(os.path.join(d, "drifts.json")))}
    return [f"t{i:05d}" for i in range(n) if f"t{i:05d}" not in touched]


def code_objects(n, quiet):
    """(lines under `spec:` for functions and views, {table: lines to add under its list item}, picks)."""
    c, q = counts(n), json.dumps
    assert len(quiet) >= c["triggers"] + c["policies"] // 2, "too few tables without drift"
    lines = ["  functions:"]
    for k in range(c["trigger_functions"]):
        lines += [f"    - name: trg_fn_{k:03d}", "      returns: trigger", "      language: plpgsql",
                  f"      body: {q('BEGIN RETURN NEW; END')}"]
    for k in range(c["sql_functions"]):
        lines += [f"    - name: fn_{k:03d}"]
        if k % 4 == 3:  # reads a table
            lines += ["      arguments: \"min_id bigint\"", "      returns: bigint", "      language: sql",
                      f"      body: {q(f'SELECT count(*) FROM {quiet[k % len(quiet)]} WHERE id > min_id')}",
                      "      volatility: stable"]
        else:
            lines += ["      arguments: \"a bigint, b bigint DEFAULT 0\"", "      returns: bigint",
                      "      language: sql", f"      body: {q(f'SELECT a * {k + 1} + b')}",
                      "      volatility: immutable", "      strict: true"]
    lines.append("  views:")
    for k in range(c["views"]):
        if k % 5 == 4:  # reads the view before it
            query = f"SELECT id, name FROM v_{k - 1:03d} WHERE name <> ''"
        else:
            query = f"SELECT id, name, created_at FROM {quiet[k]} WHERE id > 0"
        lines += [f"    - name: v_{k:03d}", f"      query: {q(query)}"]
    per_table = {}
    triggered = quiet[:c["triggers"]]
    for k, t in enumerate(triggered):
        item = ["      triggers:", f"        - name: {t}_touch", "          timing: before",
                "          events: [update]", "          forEach: row",
                f"          function: trg_fn_{k % c['trigger_functions']:03d}"]
        if k % 4 == 0:
            item.append(f"          when: {q('OLD.* IS DISTINCT FROM NEW.*')}")
        per_table[t] = item
    # Policies: half on the triggered tables, half on the next ones.
    policed = quiet[c["triggers"] - c["policies"] // 2:c["triggers"] + c["policies"] // 2]
    for k, t in enumerate(policed):
        using = "id > 0" if k % 2 == 0 else "name <> ''"
        per_table.setdefault(t, []).extend(
            ["      rowLevelSecurity: {enabled: true}", "      policies:", f"        - name: {t}_visible",
             f"          command: {'select' if k % 3 == 0 else 'all'}", f"          roles: [{ROLE}]",
             f"          using: {q(using)}"])
    unread_view = (c["views"] - 1) // 5 * 5  # no view reads it
    picks = {"trigger_table": triggered[1], "function": "fn_000", "view": f"v_{unread_view:03d}",
             "policy_table": policed[-1], "grant_table": quiet[-1]}
    return lines, per_table, picks


def add_code_objects(yaml_path, n, quiet):
    """Appends the functions and views to the generator's schema.yaml, and grants (on every table),
    triggers, row-level security and policies to its tables."""
    head_lines, per_table, picks = code_objects(n, quiet)
    text = open(yaml_path).read()
    marker = "  tables:\n"
    assert text.count(marker) == 1, "generate_schema.py's layout changed"
    at = text.index(marker)
    head, tables = text[:at], text[at + len(marker):]
    out = []
    for line in tables.splitlines():
        out.append(line)
        if line.startswith("    - name: t"):
            name = line.split(":", 1)[1].strip()
            out.append("      grants:")
            out.append(f"        - {{role: {ROLE}, privileges: [SELECT, INSERT, UPDATE, DELETE]}}")
            out += per_table.get(name, [])
    with open(yaml_path, "w") as f:
        f.write(head + "\n".join(head_lines) + "\n" + marker + "\n".join(out) + "\n")
    return picks


def drift_sql(p):
    return f"""
DROP TRIGGER {p['trigger_table']}_touch ON {p['trigger_table']};
CREATE OR REPLACE FUNCTION {p['function']}(a bigint, b bigint DEFAULT 0) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT AS $$SELECT a * 2 + b$$;
DROP VIEW {p['view']};
DROP POLICY {p['policy_table']}_visible ON {p['policy_table']};
REVOKE DELETE ON {p['grant_table']} FROM {ROLE};
"""


def floor_of(pg, db, plan, path, ok=(0,)):
    """The statements `plan` sends on one connection, as a `psql -f` command."""
    floor_script(pg.statements(lambda env: benchlib.timed(plan + ["--single-connection"], env=env, ok=ok)), path)
    return pg.psql_args(db) + ["-A", "-t", "-o", os.devnull, "-f", path]


def trips(pg, args, ok=(0,)):
    """Statements the server logged for one run of `args`."""
    return len(pg.statements(lambda env: benchlib.timed(args, env=env, ok=ok)))


def wire_trips(args, work, ok=(0,)):
    """Round trips on the wire for one run of `args`, as the client sees them (as
    tests/support/wire_trips.hpp counts them, but from the outside, with strace): on each socket, the
    times it goes from sending to receiving. A pipeline of many statements counts once."""
    trace = os.path.join(work, "strace.txt")
    benchlib.timed(["strace", "-f", "-qq", "-e", "trace=sendto,recvfrom", "-o", trace] + args, ok=ok)
    last, count = {}, 0
    with open(trace) as f:
        for line in f:
            m = re.search(r"(sendto|recvfrom)\((\d+),", line)
            if not m:
                continue
            op, fd = m.group(1), m.group(2)
            count += op == "recvfrom" and last.get(fd) == "sendto"
            last[fd] = op
    return count


def measure(pg, n, runs, work):
    so = benchlib.binary()
    d = os.path.join(work, f"t{n}")
    benchlib.generate(n, d)
    yaml = os.path.join(d, "schema.yaml")
    picks = add_code_objects(yaml, n, quiet_tables(d, n))
    pg.psql("postgres", "-c", f"DO $$BEGIN CREATE ROLE {ROLE}; EXCEPTION WHEN duplicate_object THEN NULL; END$$")
    db = f"code_{n}"
    pg.create(db)
    url = pg.url(db)
    benchlib.timed([so, "apply", "-f", yaml, "--database-url", url])
    pg.psql(db, "-c", "VACUUM ANALYZE")
    plan = [so, "plan", "-f", yaml, "--database-url", url]
    benchlib.timed(plan)  # exit 0: in sync after the apply
    _, _, _, document = benchlib.timed([so, "export", "--database-url", url, "--name", "bench"],
                                       stdout=subprocess.PIPE)
    exported = os.path.join(d, "exported.yaml")
    with open(exported, "wb") as f:
        f.write(document)
    plan_export = [so, "plan", "-f", exported, "--database-url", url]
    benchlib.timed(plan_export)  # exit 0: the export round-trips
    floor = floor_of(pg, db, plan, os.path.join(d, "floor.sql"))
    floor_export = floor_of(pg, db, plan_export, os.path.join(d, "floor-export.sql"))
    r = {k: [] for k in ("insync", "floor", "export", "floor_export", "drifted", "floor_all", "insync_rss",
                         "drifted_rss")}
    r.update(insync_trips=trips(pg, plan), floor_trips=trips(pg, floor), export_trips=trips(pg, plan_export),
             floor_export_trips=trips(pg, floor_export), insync_wire=wire_trips(plan, d),
             export_wire=wire_trips(plan_export, d), insync_wire1=wire_trips(plan + ["--single-connection"], d),
             export_wire1=wire_trips(plan_export + ["--single-connection"], d))
    for _ in range(runs):
        s, rss, _, _ = benchlib.timed(plan)
        r["insync"].append(s)
        r["insync_rss"].append(rss)
        r["floor"].append(benchlib.timed(floor)[0])
        r["export"].append(benchlib.timed(plan_export)[0])
        r["floor_export"].append(benchlib.timed(floor_export)[0])

    pg.psql(db, "-f", os.path.join(d, "drift.sql"))
    pg.psql(db, "-c", drift_sql(picks))
    pg.psql(db, "-c", "VACUUM ANALYZE")
    plan_json = plan + ["-o", "json"]
    r["drifted_trips"] = trips(pg, plan_json, ok=(2,))
    floor_all = floor_of(pg, db, plan_json, os.path.join(d, "floor-all.sql"), ok=(2,))
    r["drifted_wire"] = wire_trips(plan_json, d, ok=(2,))
    r["drifted_wire1"] = wire_trips(plan_json + ["--single-connection"], d, ok=(2,))
    r["floor_all_trips"] = trips(pg, floor_all)
    seen = drifted_runs(plan_json, floor_all, runs, r)
    mine = (f"{picks['trigger_table']}.", f"{picks['function']}(", picks["view"], f"{picks['policy_table']}.",
            f"{picks['grant_table']}:grant")
    r["new_kinds"] = sorted(k for k in seen if k[1] and k[1].startswith(mine))
    return {"n": n, "counts": counts(n), **r}


def report(results, runs, pg_version):
    lines = [benchlib.machine() + " (a shared machine: other work ran beside it)",
             f"# PostgreSQL {pg_version} (fsync off, unix socket); {runs} runs each, interleaved; median (min–max)",
             "# the generator's schema plus, per 1,000 tables, 100 functions (20 plpgsql trigger functions, 80 sql),",
             "# 100 views (every fifth reading another), 200 BEFORE UPDATE row triggers, 200 policies (row-level",
             f"# security on), and grants to {ROLE} on every table.",
             "# in sync: `plan` of the declaration (view queries not spelt as Postgres prints them: asked every",
             "# time); export in sync: `plan` of `schema-operator export`'s document; drifted: the generator's",
             "# drift plus a trigger dropped, a function body changed, a view dropped, a policy dropped, a grant",
             "# revoked. floor / export floor / floor+: the statements each sent on one connection, `psql -f`.",
             ""]
    for r in results:
        med = {k: benchlib.stats(r[k])[0] for k in ("insync", "floor", "export", "floor_export", "drifted",
                                                    "floor_all")}
        c = r["counts"]
        lines += [f"{r['n']} tables ({c['trigger_functions'] + c['sql_functions']} functions, {c['views']} views, "
                  f"{c['triggers']} triggers, {c['policies']} policies, {r['n']} tables granted):",
                  f"  in sync         {benchlib.fmt(r['insync'])}  {r['insync_trips']} statements, "
                  f"{r['insync_wire']} round trips ({r['insync_wire1']} on one connection), "
                  f"peak RSS {max(r['insync_rss']) / 1024:.0f} MB",
                  f"  floor           {benchlib.fmt(r['floor'])}  {r['floor_trips']} statements",
                  f"  export in sync  {benchlib.fmt(r['export'])}  {r['export_trips']} statements, "
                  f"{r['export_wire']} round trips ({r['export_wire1']} on one connection)",
                  f"  export floor    {benchlib.fmt(r['floor_export'])}  {r['floor_export_trips']} statements",
                  f"  drifted         {benchlib.fmt(r['drifted'])}  {r['drifted_trips']} statements, "
                  f"{r['drifted_wire']} round trips ({r['drifted_wire1']} on one connection), "
                  f"peak RSS {max(r['drifted_rss']) / 1024:.0f} MB",
                  f"  floor+          {benchlib.fmt(r['floor_all'])}  {r['floor_all_trips']} statements",
                  f"  in sync / floor {med['insync'] / med['floor']:.2f}x   export in sync / floor "
                  f"{med['export'] / med['floor_export']:.2f}x   drifted / floor+ "
                  f"{med['drifted'] / med['floor_all']:.2f}x",
                  "  drift of the new kinds reported: " + "; ".join(f"{c} {o}" for c, o in r["new_kinds"])]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    benchlib.main("plan_code_objects", 54335, [200, 1000], measure, report)
