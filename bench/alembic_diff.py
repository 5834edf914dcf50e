#!/usr/bin/python3
"""Alembic's compare_metadata, once, in a fresh process, as bench/plan_vs_alembic.py runs it.

    alembic_diff.py MODELS_PY 'postgresql+psycopg2://user@/db?host=/socket/dir&port=5432'

Imports the generated SQLAlchemy models (not timed), opens a connection (timed with the
comparison, as `schema-operator plan` pays for its own), runs compare_metadata with compare_type
and compare_server_default on, and prints one JSON object: seconds, and the diff as drift
identities (bench/drift_keys.py). Debian's python3-alembic, python3-sqlalchemy, python3-psycopg2.
"""
import importlib.util
import json
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqlalchemy  # noqa: E402
from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.migration import MigrationContext  # noqa: E402

from drift_keys import alembic_keys  # noqa: E402


def main():
    models_path, url = sys.argv[1], sys.argv[2]
    spec = importlib.util.spec_from_file_location("bench_models", models_path)
    models = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(models)
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Alembic warns about what it skips (e.g. partial indexes)
        started = time.perf_counter()
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            diff = compare_metadata(context, models.metadata)
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "keys": alembic_keys(diff)}))


if __name__ == "__main__":
    main()
