"""Fixtures: one PostgreSQL per test session, a fresh database per use, the schema-operator binary."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent.parent
# The package under test and the test models import from here, installed or not.
sys.path[:0] = [str(TESTS.parent), str(TESTS)]

from pg_server import PostgresServer  # noqa: E402


def python_env(**extra: str) -> dict:
    """The environment for a `python -m schema_operator_sqlalchemy` child: the package and the
    test models importable, as an installed package and the application's own modules would be."""
    env = dict(os.environ, **extra)
    paths = [str(TESTS.parent), str(TESTS)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


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
