#!/usr/bin/python3
"""Two or more builds compared by what does not depend on how busy the machine is: the instructions
the CLI process executes (valgrind's callgrind, all threads) and the round trips it makes (statements
in the server log), for plan in sync, plan drifted, apply on an empty database and apply of the drift.

    bench/ab_counts.py --tables 1000 OLD_BINARY NEW_BINARY ...

Wall time on a shared 2-core machine moves by ±30% with the neighbours; instruction counts of the
same binary and input repeat to a fraction of a percent (docs/performance.md says how they relate).
The server's own work is not counted: compare the round trips and the statements for that.
Written to stdout only; paste what you need into bench/results.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchlib  # noqa: E402


def instructions(args, env=None, ok=(0,)):
    """Instructions executed by the process (all threads), from callgrind's summary line."""
    with tempfile.NamedTemporaryFile(suffix=".out") as out:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}", *args]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode not in ok:
        raise RuntimeError(f"{args[0]} exited {proc.returncode}: {proc.stderr[-2000:]}")
    m = re.search(r"Collected : (\d+)", proc.stderr)
    if not m:
        raise RuntimeError("callgrind printed no total:\n" + proc.stderr[-2000:])
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()

    pg = benchlib.Postgres(port=54378).start()
    work = tempfile.mkdtemp(prefix="ab-counts-")
    try:
        benchlib.generate(a.tables, work)
        yaml = os.path.join(work, "schema.yaml")
        drift_sql = os.path.join(work, "drift.sql")
        first = a.binaries[0]
        pg.create("insync")
        subprocess.run([first, "apply", "-f", yaml, "--database-url", pg.url("insync")], check=True,
                       stdout=subprocess.DEVNULL)
        pg.create("drifted", template="insync")
        pg.psql("drifted", "-f", drift_sql)
        pg.psql("postgres", "-c", "VACUUM ANALYZE")

        def plan(so, db):
            return [so, "plan", "-f", yaml, "--database-url", pg.url(db), "-o", "json"]

        def apply(so, db):
            return [so, "apply", "-f", yaml, "--database-url", pg.url(db), "-o", "json", "--allow-destructive"]

        rows = []
        for so in a.binaries:
            row = {"binary": so}
            row["plan in sync"] = instructions(plan(so, "insync"))
            row["plan drifted"] = instructions(plan(so, "drifted"), ok=(0, 2))
            row["trips plan in sync"] = len(pg.statements(lambda env: subprocess.run(plan(so, "insync"), env=env,
                                                                                      stdout=subprocess.DEVNULL)))
            pg.create("empty")
            row["apply create"] = instructions(apply(so, "empty"))
            pg.create("empty")
            row["trips apply create"] = len(pg.statements(lambda env: subprocess.run(apply(so, "empty"), env=env,
                                                                                      stdout=subprocess.DEVNULL)))
            pg.create("fix", template="drifted")
            row["apply fix"] = instructions(apply(so, "fix"))
            pg.create("fix", template="drifted")
            row["trips apply fix"] = len(pg.statements(lambda env: subprocess.run(apply(so, "fix"), env=env,
                                                                                   stdout=subprocess.DEVNULL)))
            rows.append(row)
            print(json.dumps(row), flush=True)

        print(benchlib.machine())
        print(f"# {a.tables} tables; instructions in millions (callgrind, all threads), trips = statements logged")
        keys = [k for k in rows[0] if k != "binary"]
        print("measure".ljust(22) + "".join(os.path.basename(os.path.dirname(os.path.dirname(r["binary"])))
                                            .rjust(16) for r in rows))
        for k in keys:
            scale = 1 if k.startswith("trips") else 1e6
            print(k.ljust(22) + "".join(f"{r[k] / scale:16.1f}" if scale > 1 else f"{r[k]:16d}" for r in rows))
    finally:
        pg.stop()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
