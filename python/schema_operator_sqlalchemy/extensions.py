"""Objects of `sqlalchemy-declarative-extensions` (views, functions, triggers, grants, rows, ...).

That package keeps what it declares in `metadata.info` under one key per kind, so this module
reads them without importing it. Rows become seed rows (`spec.seed`) and views `spec.views`, kinds
the resource has; every other kind is refused naming the object, because the operator does not
manage it yet and an export that silently left it out would hand the operator a schema without it.
"""
from __future__ import annotations

import datetime
import decimal
import json
import uuid
from typing import Any, Optional

from sqlalchemy import MetaData

from .errors import UnsupportedModelError

# metadata.info key -> (the collection's list attribute, why the resource cannot carry it)
REFUSED_KINDS = {
    "functions": ("functions", "functions are not managed by the operator yet (spec.functions)"),
    "procedures": ("procedures", "procedures are not managed by the operator yet (spec.functions)"),
    "triggers": ("triggers", "triggers are not exported from models yet: declare them under tables[].triggers by hand"),
    "grants": ("grants", "grants are not managed by the operator yet (grants, defaultPrivileges)"),
    "roles": ("roles", "roles are cluster-wide: a DatabaseSchema never creates or drops them"),
    "schemas": ("schemas", "a DatabaseSchema owns one existing schema and never creates schemas"),
    "databases": ("databases", "a DatabaseSchema never creates databases"),
    # Not in the version tested (0.17); a later one that declares policies gets this until mapped.
    "policies": ("policies", "policies are not exported from models yet: declare them under tables[].policies by hand"),
}


def _is_extension_object(obj: Any) -> bool:
    return type(obj).__module__.startswith("sqlalchemy_declarative_extensions")


def _items(collection: Any, attr: str) -> list:
    items = getattr(collection, attr, None)
    if items is None:
        try:
            items = list(collection)
        except TypeError:
            items = []
    return list(items)


def _describe(obj: Any) -> str:
    for attr in ("name", "tablename"):
        value = getattr(obj, attr, None)
        if isinstance(value, str):
            schema = getattr(obj, "schema", None)
            return f"{schema}.{value}" if isinstance(schema, str) and schema else value
    cls = getattr(obj, "cls", None)  # a @view-decorated class
    if cls is not None:
        return getattr(cls, "__tablename__", cls.__name__)
    return repr(obj)[:80]


def refuse_declarative_extensions(metadata: MetaData) -> None:
    for key, (attr, why) in REFUSED_KINDS.items():
        collection = metadata.info.get(key)
        if collection is None or not _is_extension_object(collection):
            continue
        for obj in _items(collection, attr):
            kind = key[:-1] if key != "policies" else "policy"
            raise UnsupportedModelError(f"{kind} {_describe(obj)} (sqlalchemy-declarative-extensions)", why)


def seed_from_rows(metadata: MetaData, schema: str, tables: dict[str, Any]) -> list[dict]:
    """The package's declared rows as `spec.seed` entries, grouped by table in declaration order."""
    collection = metadata.info.get("rows")
    if collection is None or not _is_extension_object(collection):
        return []
    seeds: dict[str, list[dict]] = {}
    for row in _items(collection, "rows"):
        table = row.tablename
        where = f"row of {table} (sqlalchemy-declarative-extensions)"
        row_schema: Optional[str] = row.schema
        if "." in table and row_schema is None:
            row_schema, table = table.split(".", 1)
        if (row_schema or schema) != schema:
            raise UnsupportedModelError(where, f"it is in schema {row_schema!r}; this export is of {schema!r}")
        if table not in tables:
            raise UnsupportedModelError(where, f"{table!r} is not a table of this export")
        seeds.setdefault(table, []).append({k: _seed_value(where, k, v) for k, v in row.column_values.items()})
    return [{"table": t, "rows": rows} for t, rows in seeds.items()]


def views_from_declared(metadata: MetaData, schema: str) -> list[dict]:
    """The package's views (View objects and @view classes) as `spec.views` entries: the query as
    SQLAlchemy's PostgreSQL dialect compiles it. The operator puts it to PostgreSQL and compares
    it as stored, so its spelling does not matter."""
    collection = metadata.info.get("views")
    if collection is None or not _is_extension_object(collection):
        return []
    # Only now: the package is installed, since it made the collection.
    from sqlalchemy.dialects import postgresql  # noqa: PLC0415
    from sqlalchemy_declarative_extensions.view.base import View  # noqa: PLC0415

    out = []
    for item in _items(collection, "views"):
        view = View.coerce_from_unknown(item)
        where = f"view {_describe(view)} (sqlalchemy-declarative-extensions)"
        if (view.schema or schema) != schema:
            raise UnsupportedModelError(where, f"it is in schema {view.schema!r}; this export is of {schema!r}")
        if view.constraints:
            raise UnsupportedModelError(where, "a materialized view's indexes are not exported yet: declare them "
                                               "under spec.views[].indexes by hand")
        entry: dict[str, Any] = {"name": view.name, "query": view.compile_definition(postgresql.dialect()).strip()}
        if view.materialized:
            entry["materialized"] = True
        out.append(entry)
    return out


def _seed_value(where: str, column: str, value: Any) -> Any:
    # Seed values are scalars PostgreSQL casts to the column's type: keep YAML's own scalars,
    # write the rest as PostgreSQL reads them back.
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    raise UnsupportedModelError(f"{where}, column {column}", f"a {type(value).__name__} value cannot be a seed value")

