"""A throwaway PostgreSQL for the tests, started the way tests/support does it.

initdb into a temporary directory (as the `postgres` OS user when running as root: initdb and the
server refuse root), a unix socket in that directory and a loopback TCP port with password
authentication (so the tests can prove a password never leaks), removed when the session ends.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Optional

import psycopg
import pytest

from installed_sqlalchemy import PSYCOPG_DRIVER

PG_BIN_DIR = Path(os.environ.get("SO_PG_BIN_DIR", "/usr/lib/postgresql/15/bin"))
PASSWORD = "s3cret-Pw-never-printed"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="so-pytest-pg-"))
        self.data = self.dir / "data"
        self.certificate = self.dir / "server.crt"
        self.port = 0
        self._as_root = os.geteuid() == 0
        self._running = False

    def _cmd(self, *argv: str) -> list[str]:
        argv_list = [str(a) for a in argv]
        return ["/usr/sbin/runuser", "-u", "postgres", "--", *argv_list] if self._as_root else argv_list

    def start(self) -> "PostgresServer":
        pwfile = self.dir / "pwfile"
        pwfile.write_text(PASSWORD + "\n")
        # TLS on loopback with a self-signed certificate for 127.0.0.1 (an EC key: milliseconds),
        # so the TLS variables can be tested: the certificate is its own CA (self.certificate).
        key = self.dir / "server.key"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", str(key), "-out", str(self.certificate), "-days", "30", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext",
                        "basicConstraints=critical,CA:TRUE"], check=True, capture_output=True)
        key.chmod(0o600)
        self.certificate.chmod(0o644)
        if self._as_root:
            pw = pwd.getpwnam("postgres")
            for p in (self.dir, pwfile, key, self.certificate):
                os.chown(p, pw.pw_uid, pw.pw_gid)
        subprocess.run(
            self._cmd(PG_BIN_DIR / "initdb", "-D", self.data, "-U", "postgres", f"--pwfile={pwfile}", "-E", "UTF8",
                      "--locale=C", "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256"),
            check=True, capture_output=True,
        )
        (self.data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
        last = ""
        for _ in range(5):  # a port picked now may be taken before the server binds it
            self.port = _free_port()
            (self.data / "postgresql.auto.conf").write_text(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.dir}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\n"
                "max_connections = 60\nlog_min_messages = warning\n"
                f"ssl = on\nssl_cert_file = '{self.certificate}'\nssl_key_file = '{key}'\n"
            )
            proc = subprocess.run(
                self._cmd(PG_BIN_DIR / "pg_ctl", "-D", self.data, "-l", self.dir / "server.log", "-w", "-t", "60",
                          "start"),
                capture_output=True, text=True,
            )
            if proc.returncode == 0:
                self._running = True
                return self
            last = proc.stdout + proc.stderr
        raise RuntimeError(f"PostgreSQL did not start: {last}")

    def stop(self) -> None:
        if self._running:
            subprocess.run(self._cmd(PG_BIN_DIR / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"),
                           capture_output=True)
            self._running = False
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- databases ------------------------------------------------------------------------------

    def url(self, database: str, driver: str = PSYCOPG_DRIVER, sslmode: Optional[str] = "disable") -> str:
        """A SQLAlchemy URL over loopback TCP with the password (what an application's DATABASE_URL holds);
        by default with the libpq driver the installed SQLAlchemy has."""
        scheme = "postgresql" if not driver else f"postgresql+{driver}"
        query = f"?sslmode={sslmode}" if sslmode else ""
        return f"{scheme}://postgres:{PASSWORD}@127.0.0.1:{self.port}/{database}{query}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(host=str(self.dir), port=self.port, user="postgres", dbname="postgres", autocommit=True)

    def connect(self, database: str) -> psycopg.Connection:
        return psycopg.connect(host=str(self.dir), port=self.port, user="postgres", dbname=database, autocommit=True)

    def create_database(self, prefix: str = "t") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name


# ---- fixtures, imported by the conftest of every suite that needs them -----------------------------

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="session")
def pg():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def binary() -> str:
    """The binary the ctest entry passes (SCHEMA_OPERATOR_BIN), else the build tree's. A missing
    binary fails the suite rather than skipping it."""
    path = os.environ.get("SCHEMA_OPERATOR_BIN") or str(REPO / "build" / "schema-operator")
    if not os.access(path, os.X_OK):
        pytest.fail(f"schema-operator binary not found at {path}: build it (ninja -C build schema-operator) "
                    "or set SCHEMA_OPERATOR_BIN")
    return path
