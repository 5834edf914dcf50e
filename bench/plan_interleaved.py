#!/usr/bin/env python3
"""`schema-operator plan` of a generated schema, several binaries timed interleaved (A B C A B C …)
so that a busy machine slows them alike: median, min and max wall time of fresh processes.

    python3 bench/plan_interleaved.py --tables 1000 --runs 15 OLD_BINARY NEW_BINARY ...

A throwaway PostgreSQL 15 on a unix socket (port 54377), the schema applied once by the first
binary, one warm-up plan each, then RUNS rounds; removed at exit. Run as root or as postgres.
"""
import argparse, os, pwd, shutil, statistics, subprocess, tempfile, time

PGBIN = "/usr/lib/postgresql/15/bin"
PORT = "54377"


def as_postgres(*argv):
    prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    subprocess.run(prefix + list(argv), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    d = tempfile.mkdtemp(prefix="plan-interleaved-")
    if os.getuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(d, pw.pw_uid, pw.pw_gid)
    as_postgres(f"{PGBIN}/initdb", "-D", f"{d}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
    as_postgres(f"{PGBIN}/pg_ctl", "-D", f"{d}/data", "-l", f"{d}/log", "-w", "-o",
                f"-c listen_addresses='' -k {d} -p {PORT} -c fsync=off -c max_locks_per_transaction=1024", "start")
    try:
        subprocess.run([f"{PGBIN}/psql", "-X", "-q", "-h", d, "-p", PORT, "-U", "postgres", "-d", "postgres",
                        "-c", "CREATE DATABASE bench"], check=True)
        url = f"host={d} port={PORT} dbname=bench user=postgres"
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run(["python3", f"{here}/generate_schema.py", "--tables", str(a.tables), "--out", f"{d}/gen"],
                       check=True, stdout=subprocess.DEVNULL)
        yaml = f"{d}/gen/schema.yaml"
        plan = lambda b: subprocess.run([b, "plan", "-f", yaml, "--database-url", url], stdout=subprocess.DEVNULL)
        subprocess.run([a.binaries[0], "apply", "-f", yaml, "--database-url", url], check=True, stdout=subprocess.DEVNULL)
        for b in a.binaries:
            plan(b)
        times = {b: [] for b in a.binaries}
        for _ in range(a.runs):
            for b in a.binaries:
                t0 = time.perf_counter()
                r = plan(b)
                times[b].append(time.perf_counter() - t0)
                assert r.returncode == 0, f"{b}: plan exited {r.returncode}"
        for b, t in times.items():
            print(f"{b:40s} median {statistics.median(t) * 1000:7.1f} ms  min {min(t) * 1000:7.1f}  "
                  f"max {max(t) * 1000:7.1f}  (n={len(t)})")
    finally:
        as_postgres(f"{PGBIN}/pg_ctl", "-D", f"{d}/data", "-m", "immediate", "stop")
        shutil.rmtree(d)


if __name__ == "__main__":
    main()
