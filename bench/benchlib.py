"""Shared by the Python benchmarks: a throwaway PostgreSQL 15 on a unix socket (as bench/lib.sh
starts it), timing of fresh processes with their peak RSS, round trips counted in the server's
log, statistics, and the machine description every results file starts with."""
import datetime
import os
import platform
import pwd
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
PYTHON = "/usr/bin/python3"  # Debian's, where python3-alembic and python3-sqlalchemy live


def binary():
    return os.environ.get("SCHEMA_OPERATOR", os.path.join(REPO, "build", "schema-operator"))


class Postgres:
    """initdb, start, stop; as the postgres user when run as root."""

    def __init__(self, port=54332):
        self.dir = tempfile.mkdtemp(prefix="schema-operator-bench.")
        self.port = port
        self.log = os.path.join(self.dir, "server.log")
        self.root = os.getuid() == 0
        if self.root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)

    def _as_pg(self, args, **kw):
        if self.root:
            args = ["runuser", "-u", "postgres", "--"] + args
        return subprocess.run(args, check=True, **kw)

    def start(self):
        data = os.path.join(self.dir, "data")
        self._as_pg([f"{PG_BIN}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Statement logging stays off; a counting run turns it on for its own session (PGOPTIONS).
        opts = (f"-c listen_addresses='' -k {self.dir} -p {self.port} -c fsync=off "
                f"-c max_locks_per_transaction=1024")
        self._as_pg([f"{PG_BIN}/pg_ctl", "-D", data, "-l", self.log, "-w", "-o", opts, "start"],
                    stdout=subprocess.DEVNULL)
        return self

    def stop(self):
        try:
            self._as_pg([f"{PG_BIN}/pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "immediate", "stop"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def version(self):
        return self.psql("postgres", "-Atc", "SHOW server_version").strip()

    def url(self, db):
        return f"host={self.dir} port={self.port} dbname={db} user=postgres"

    def sqlalchemy_url(self, db):
        return f"postgresql+psycopg2://postgres@/{db}?host={self.dir}&port={self.port}"

    def psql_args(self, db):
        return [f"{PG_BIN}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.dir, "-p", str(self.port),
                "-U", "postgres", "-d", db]

    def psql(self, db, *args):
        return subprocess.run(self.psql_args(db) + list(args), check=True, capture_output=True, text=True).stdout

    def create(self, db, template=None):
        self.psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{db}"')
        self.psql("postgres", "-c", f'CREATE DATABASE "{db}"' + (f' TEMPLATE "{template}"' if template else ""))

    def statements(self, run):
        """Runs `run(env)` with statement logging on for its sessions; returns what they sent, one
        entry per round trip: (statement, {"$1": "'value'", ...})."""
        with open(self.log, "r+") as f:
            f.truncate(0)
        env = dict(os.environ, PGOPTIONS="-c log_statement=all")
        run(env)
        time.sleep(0.2)  # the logger flushes
        out, open_statement = [], False
        with open(self.log) as f:
            for line in f:
                line = line.rstrip("\n")
                if open_statement and line.startswith("\t"):  # the next line of a multi-line statement
                    out[-1][0] += "\n" + line[1:]
                    continue
                m = re.search(r"LOG:  (?:statement|execute [^:]*): (.*)$", line)
                open_statement = bool(m)
                if m:
                    out.append([m.group(1), {}])
                    continue
                m = re.search(r"DETAIL:  parameters: (.*)$", line)
                if m and out:
                    for name, value in re.findall(r"(\$\d+) = ('(?:[^']|'')*'|NULL)", m.group(1)):
                        out[-1][1][name] = value
        return out


def timed(args, env=None, stdout=subprocess.DEVNULL, ok=(0,)):
    """Runs a fresh process: (wall seconds, peak RSS in KiB, exit status, stdout if captured)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=stdout, stderr=subprocess.PIPE)
    out = proc.stdout.read() if stdout == subprocess.PIPE else None
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read()
    if proc.returncode not in ok:
        raise RuntimeError(f"{args[0]} exited {proc.returncode}: {err.decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss, proc.returncode, out


def stats(values):
    """(median, min, max)."""
    return statistics.median(values), min(values), max(values)


def fmt(values, unit="s", scale=1.0, digits=3):
    med, lo, hi = stats(values)
    return f"{med * scale:.{digits}f} {unit} ({lo * scale:.{digits}f}–{hi * scale:.{digits}f})"


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1048576
    try:
        rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        rev += "+local changes" if dirty else ""
    except OSError:
        rev = "unknown"
    load = os.getloadavg()
    return (f"# machine: {os.cpu_count()} cores, {mem:.0f} GiB, {cpu}, {platform.system()} {platform.machine()}\n"
            f"# date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}, "
            f"load average at start {load[0]:.2f}, commit {rev}")


def generate(tables, out_dir, seed=7):
    subprocess.run([PYTHON, os.path.join(REPO, "bench", "generate_schema.py"), "--tables", str(tables),
                    "--seed", str(seed), "--out", out_dir], check=True)


def run_and_write(name, pg, tables, runs, measure, report, out):
    """Measures each size on one throwaway server, then prints the report and writes it to `out`.

    `pg` is a benchlib.Postgres not yet started; measure(pg, tables, runs, work_dir) returns one
    size's results, report(results, runs, server_version) the text."""
    pg.start()
    try:
        with tempfile.TemporaryDirectory(prefix="schema-operator-bench-work.") as work:
            results = []
            for n in tables:
                print(f"{name}: {n} tables…", file=sys.stderr, flush=True)
                results.append(measure(pg, n, runs, work))
            text = report(results, runs, pg.version())
    finally:
        pg.stop()
    print(text, end="")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write(text)
    print(f"written to {out}", file=sys.stderr)


def main(name, port, default_tables, measure, report):
    """The command line of a benchmark measured by run_and_write: --tables, --runs (or RUNS), and
    --out (bench/results/NAME.txt by default)."""
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, nargs="+", default=default_tables)
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", 5)))
    ap.add_argument("--out", default=os.path.join(REPO, "bench", "results", f"{name}.txt"))
    args = ap.parse_args()
    run_and_write(name, Postgres(port=port), args.tables, args.runs, measure, report, args.out)
