"""The SQLAlchemy this suite runs on, and what the tests choose by it.

The suite runs on the newest pinned stack (SQLAlchemy 2.0, .tools/py) and on the oldest supported
one (SQLAlchemy 1.4 on Python 3.9, .tools/py-oldest). SQLAlchemy 1.4 lacks the 2.0 declarative
syntax (DeclarativeBase, Mapped[] columns, mapped_column) and the psycopg (3) dialect, so:
- the model modules written in that syntax have a twin in models/classic, written with
  declarative_base() and Column, which the tests import instead on 1.4; on 2.0
  test_model_variants.py checks that each twin exports the very resource its original does;
- SQLAlchemy URLs name psycopg2 on 1.4;
- a test that needs 2.0 itself carries the `sqlalchemy2` marker (pyproject.toml), and the 1.4 run
  deselects it with `-m "not sqlalchemy2"`: it is neither run nor counted there.
"""
from __future__ import annotations

import importlib
from types import ModuleType

import pytest
import sqlalchemy

SQLALCHEMY_2 = int(sqlalchemy.__version__.split(".")[0]) >= 2

# The libpq driver SQLAlchemy URLs of the tests name.
PSYCOPG_DRIVER = "psycopg" if SQLALCHEMY_2 else "psycopg2"

# Model modules written in the 2.0 declarative syntax, each with a twin of the same name in
# models/classic. (models/types_zoo.py, Core only, takes 1.4's spelling of Double and Uuid itself.)
CLASSIC_TWINS = frozenset({"models.inventory", "models.serial_keys", "models.shop", "models.varchar_enum"})

sqlalchemy2 = pytest.mark.sqlalchemy2


def model_module_name(name: str) -> str:
    """`models.shop` on SQLAlchemy 2.0; its twin `models.classic.shop` on 1.4."""
    if SQLALCHEMY_2 or name not in CLASSIC_TWINS:
        return name
    return "models.classic." + name[len("models."):]


def model_module(name: str) -> ModuleType:
    return importlib.import_module(model_module_name(name))
