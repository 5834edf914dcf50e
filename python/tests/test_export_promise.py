"""The promise of the export, over varied model modules: create_all on database A; export;
`schema-operator apply` of the export on empty database B; the catalogs of A and B are equal, and
`plan` of the export finds both A and B in sync (exit 0)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml
from sqlalchemy import create_engine

from catalog import differences, read_catalog
from conftest import TESTS, python_env
from installed_sqlalchemy import model_module, model_module_name
from pg_server import PASSWORD

MODELS = {
    # module: (attribute, PostgreSQL schema)
    "models.shop": ("Base", "public"),
    "models.types_zoo": ("metadata", "public"),
    "models.graph": ("metadata", "public"),
    "models.long_names": ("metadata", "public"),
    "models.inventory": ("Base", "inventory"),
    "models.serial_keys": ("Base", "public"),
    "models.varchar_enum": ("Base", "public"),
}

# Known gaps of the engine, each failing its promise test until fixed (strict: a fix turns the
# xfail into a failure that asks for this mark to go). None today.
ENGINE_GAPS: dict = {}


def _module_params():
    for module in sorted(MODELS):
        gap = ENGINE_GAPS.get(module)
        yield pytest.param(module, marks=pytest.mark.xfail(strict=True, reason=gap)) if gap else module


def export_yaml(target: str, *extra: str) -> str:
    """The export as a user runs it: `python -m schema_operator_sqlalchemy export module:attr`."""
    proc = subprocess.run([sys.executable, "-m", "schema_operator_sqlalchemy", "export", target, *extra],
                          capture_output=True, text=True, cwd=str(TESTS), env=python_env())
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def switched_to_apply(document: str) -> str:
    """The export with `mode: Apply`, the one edit a user makes before the operator may act."""
    resource = yaml.safe_load(document)
    assert resource["spec"]["mode"] == "Plan"
    resource["spec"]["mode"] = "Apply"
    return yaml.safe_dump(resource, sort_keys=False)


def run_binary(binary: str, command: str, document: str, url: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url)
    return subprocess.run([binary, command, "-f", "-", "-o", "json"], input=document, capture_output=True,
                          text=True, env=env)


def libpq_url(pg, database: str) -> str:
    return f"postgresql://postgres:{PASSWORD}@127.0.0.1:{pg.port}/{database}?sslmode=disable"


@pytest.mark.parametrize("module", list(_module_params()))
def test_create_all_and_apply_of_the_export_give_the_same_catalog(pg, binary, module):
    attribute, schema = MODELS[module]
    metadata = getattr(model_module(module), attribute)
    metadata = getattr(metadata, "metadata", metadata)

    db_a, db_b = pg.create_database("a"), pg.create_database("b")
    for db in (db_a, db_b):
        if schema != "public":  # the operator never creates schemas: an administrator does
            with pg.connect(db) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
    engine = create_engine(pg.url(db_a))
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()

    args = ["--schema", schema] if schema != "public" else []
    document = export_yaml(f"{model_module_name(module)}:{attribute}", *args)

    applied = run_binary(binary, "apply", switched_to_apply(document), libpq_url(pg, db_b))
    assert applied.returncode == 0, f"apply on the empty database failed:\n{applied.stdout}\n{applied.stderr}"

    with pg.connect(db_a) as a, pg.connect(db_b) as b:
        diff = differences(read_catalog(a, schema), read_catalog(b, schema))
    assert diff == [], "create_all and apply of the export differ:\n" + "\n".join(diff)

    for db in (db_a, db_b):
        planned = run_binary(binary, "plan", document, libpq_url(pg, db))
        assert planned.returncode == 0, f"plan of the export against {db}:\n{planned.stdout}\n{planned.stderr}"


def test_the_catalog_comparison_sees_each_kind_of_difference(pg):
    db_a, db_b = pg.create_database("cmp_a"), pg.create_database("cmp_b")
    for db, extra in ((db_a, "COMMENT ON COLUMN t.note IS 'only in A'"),
                      (db_b, "ALTER TABLE t ADD CONSTRAINT t_id_positive CHECK (id > 0)")):
        with pg.connect(db) as conn:
            conn.execute("CREATE TABLE t (id integer PRIMARY KEY, note text)")
            conn.execute(extra)
    with pg.connect(db_a) as a, pg.connect(db_b) as b:
        diff = differences(read_catalog(a, "public"), read_catalog(b, "public"))
    assert len(diff) == 3
    assert diff[0].startswith("columns: only in A: ('t', 2, 'note', 'text', False, None, '', '', None, 'only in A')")
    assert diff[1].startswith("columns: only in B: ('t', 2, 'note', 'text', False, None, '', '', None, None)")
    assert diff[2].startswith("constraints: only in B: ('t', 't_id_positive', 'c', 'CHECK ((id > 0))'")
