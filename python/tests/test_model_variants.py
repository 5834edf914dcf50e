"""The 1.4-style twins in models/classic declare what their 2.0 originals do, so that the run on
the oldest stack proves the promise for the same shapes. Needs SQLAlchemy 2.0 to import the
originals: the whole module is marked `sqlalchemy2`."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from installed_sqlalchemy import CLASSIC_TWINS
from schema_operator_sqlalchemy import export_resource

pytestmark = pytest.mark.sqlalchemy2


def create_all_ddl(metadata) -> list[str]:
    """The statements create_all sends, table by table, as PostgreSQL's dialect compiles them."""
    dialect = postgresql.dialect()
    ddl = []
    for table in metadata.sorted_tables:
        ddl.append(str(CreateTable(table).compile(dialect=dialect)))
        ddl.extend(str(CreateIndex(index).compile(dialect=dialect)) for index in sorted(table.indexes, key=str))
    return ddl


@pytest.mark.parametrize("name", sorted(CLASSIC_TWINS))
def test_each_classic_twin_declares_what_its_original_does(name):
    original = importlib.import_module(name)
    twin = importlib.import_module("models.classic." + name[len("models."):])
    assert create_all_ddl(twin.Base.metadata) == create_all_ddl(original.Base.metadata)
    schema = original.Base.metadata.schema or "public"
    assert (export_resource(twin.Base.metadata, name="twin", schema=schema) ==
            export_resource(original.Base.metadata, name="twin", schema=schema))


def test_every_classic_twin_is_listed():
    classic = importlib.import_module("models.classic")
    modules = {"models." + p.stem for p in Path(classic.__file__).parent.glob("*.py") if p.stem != "__init__"}
    assert modules == CLASSIC_TWINS
