"""Fixtures (pg_server.py): one PostgreSQL per test session, the schema-operator binary."""
from __future__ import annotations

import os
import sys
from pathlib import Path


TESTS = Path(__file__).resolve().parent
# The package under test and the test models import from here, installed or not.
sys.path[:0] = [str(TESTS.parent), str(TESTS)]

from pg_server import binary, pg  # noqa: E402,F401  (fixtures)


def python_env(**extra: str) -> dict:
    """The environment for a `python -m schema_operator_sqlalchemy` child: the package and the
    test models importable, as an installed package and the application's own modules would be."""
    env = dict(os.environ, **extra)
    paths = [str(TESTS.parent), str(TESTS)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env
