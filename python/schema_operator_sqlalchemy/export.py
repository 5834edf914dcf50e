"""SQLAlchemy MetaData (or a declarative Base) to a DatabaseSchema resource.

`export_resource()` returns the resource as plain data (dicts and lists, ready for YAML or JSON);
`to_yaml()` writes it the way a person would. Loading `module:attribute` is `load_metadata()`.
"""
from __future__ import annotations

import importlib
import re
from typing import Any, Iterable, Optional

import sqlalchemy
import yaml
from sqlalchemy import MetaData, Table

from .errors import ModelsNotFoundError, UnsupportedModelError
from .extensions import (functions_from_declared, refuse_declarative_extensions, seed_from_rows,
                         triggers_from_declared, views_from_declared)
from .grants import apply_declared_grants
from .tables import ExportContext, TableExporter

DEFAULT_SCHEMA = "public"
DEFAULT_SECRET_KEY = "DATABASE_URL"
# Alembic's bookkeeping table: Alembic owns it, so the operator must neither report nor touch it.
ALEMBIC_VERSION = "alembic_version"


def load_metadata(target: str) -> tuple[MetaData, Any]:
    """`package.module:attribute` to (MetaData, the object named). The attribute is a MetaData, a
    declarative Base (its `.metadata`), or a callable returning either."""
    module_name, sep, attr = target.partition(":")
    if not sep or not module_name or not attr:
        raise ModelsNotFoundError(f"{target!r}: expected module:attribute, e.g. myapp.models:Base")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise ModelsNotFoundError(f"{target!r}: cannot import {module_name}: {e}") from e
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ModelsNotFoundError(f"{target!r}: {module_name} has no attribute {attr!r}")
        obj = getattr(obj, part)
    metadata = as_metadata(obj)
    if metadata is None and callable(obj) and not isinstance(obj, type):
        obj = obj()
        metadata = as_metadata(obj)
    if metadata is None:
        raise ModelsNotFoundError(f"{target!r} is a {type(obj).__name__}, not a MetaData or a declarative Base")
    return metadata, obj


def as_metadata(obj: Any) -> Optional[MetaData]:
    """A MetaData itself, or a declarative Base's; None for anything else."""
    if isinstance(obj, MetaData):
        return obj
    metadata = getattr(obj, "metadata", None)
    return metadata if isinstance(metadata, MetaData) else None


def model_labels(source: Any) -> dict[Table, str]:
    """Table -> "Model (table)" for a declarative Base's mapped classes, so errors name the model."""
    labels: dict[Table, str] = {}
    registry = getattr(source, "registry", None)
    for mapper in getattr(registry, "mappers", ()) or ():
        table = getattr(mapper, "local_table", None)
        if isinstance(table, Table) and table not in labels:
            labels[table] = f"{mapper.class_.__name__} ({table.name})"
    return labels


def resource_name(target: str) -> str:
    """A DNS-1123 name from `myapp.models:Base`: the top-level package, `myapp`."""
    base = target.partition(":")[0].split(".")[0]
    name = re.sub(r"[^a-z0-9-]+", "-", base.lower()).strip("-")[:63].strip("-")
    return name or "schema"


def export_resource(
    metadata: MetaData,
    *,
    name: str,
    namespace: Optional[str] = None,
    schema: Optional[str] = None,
    secret: Optional[str] = None,
    mode: str = "Plan",
    source: Any = None,
) -> dict:
    """The DatabaseSchema for the tables of `schema` (default public) in `metadata`.

    Tables of another schema belong to another resource (one DatabaseSchema owns one schema) and
    are left out, but a foreign key to one of them is an error; see table_schemas() for tables
    that name no schema. `secret` is `NAME` or `NAME/KEY` (default
    `<name>-db`/DATABASE_URL). `mode` is Plan for a resource written for a cluster: applying it
    changes nothing until someone switches it to Apply.
    """
    if not _DNS_LABEL.match(name):
        raise UnsupportedModelError("--name", f"{name!r} is not a valid resource name (lowercase letters, digits, '-')")
    if namespace is not None and not _DNS_LABEL.match(namespace):
        raise UnsupportedModelError("--namespace", f"{namespace!r} is not a valid namespace name")
    target_schema = schema or metadata.schema or DEFAULT_SCHEMA
    refuse_declarative_extensions(metadata)
    labels = model_labels(source) if source is not None else {}
    placed = table_schemas(metadata, target_schema)
    tables = [t for t, s in placed.items() if s == target_schema and t.name != ALEMBIC_VERSION]
    if not tables:
        elsewhere = sorted({t.schema for t in metadata.tables.values() if t.schema})
        hint = f" (its tables are in {', '.join(elsewhere)}: pass --schema)" if elsewhere else ""
        raise UnsupportedModelError("the metadata", f"declares no table of schema {target_schema!r}{hint}")

    ctx = ExportContext(
        schema=target_schema,
        exported=set(tables),
        label=lambda t: labels.get(t, t.name),
    )
    exported_tables = [TableExporter(ctx, t).export() for t in sorted(tables, key=lambda t: t.name)]
    _refuse_standalone_sequences(metadata, target_schema)  # after the columns, which name theirs better

    secret_name, _, secret_key = (secret or f"{name}-db").partition("/")
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    spec: dict[str, Any] = {
        "connection": {"secretRef": {"name": secret_name, "key": secret_key or DEFAULT_SECRET_KEY}},
        "schema": target_schema,
        "mode": mode,
        "ignore": [ALEMBIC_VERSION],
    }
    if ctx.enums:
        spec["enums"] = [{"name": e.name, "values": e.values} for e in ctx.enums.values()]
    if ctx.sequences:
        spec["sequences"] = sorted(ctx.sequences, key=lambda s: s["name"])
    spec["tables"] = exported_tables
    views = views_from_declared(metadata, target_schema)
    if views:
        spec["views"] = views
    functions = functions_from_declared(metadata, target_schema)
    if functions:
        spec["functions"] = functions
    triggers = triggers_from_declared(metadata, target_schema, {t["name"]: t for t in exported_tables},
                                      [v["name"] for v in views])
    for table in exported_tables:
        if table["name"] in triggers:
            table["triggers"] = triggers[table["name"]]
    seed = seed_from_rows(metadata, target_schema, {t["name"]: t for t in exported_tables})
    if seed:
        spec["seed"] = seed
    apply_declared_grants(metadata, spec)  # last: it writes onto the objects above
    return {"apiVersion": "dbschema.io/v1alpha1", "kind": "DatabaseSchema", "metadata": meta, "spec": spec}


def table_schemas(metadata: MetaData, target_schema: str) -> dict[Table, str]:
    """The schema each table is created in. A table that names none goes where create_all puts
    it, the connection's first search_path schema: in metadata that names no schema anywhere that
    is the one being exported (the deployment's search path decides); next to tables that do name
    theirs, it is the default, public."""
    explicit = any(t.schema for t in metadata.tables.values())
    unnamed = DEFAULT_SCHEMA if explicit else target_schema
    return {t: t.schema or unnamed for t in metadata.tables.values()}


_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def _refuse_standalone_sequences(metadata: MetaData, schema: str) -> None:
    # A Sequence in the metadata that no serial column made optional is created by create_all on
    # its own; spec.sequences declares only the ones serial columns own, for now.
    for seq in getattr(metadata, "_sequences", {}).values():
        if (seq.schema or schema) == schema and not seq.optional:
            raise UnsupportedModelError(
                f"Sequence {seq.name!r}",
                "a standalone sequence is not exported yet; use Identity() or a plain autoincrement key",
            )


class _Dumper(yaml.SafeDumper):
    """Block style for the document's structure, flow style for leaves ({name: id, type: bigint})."""

    def ignore_aliases(self, data: Any) -> bool:  # the same list twice is written twice
        return True

    def represent_mapping(self, tag, mapping, flow_style=None):
        node = super().represent_mapping(tag, mapping, flow_style)
        # A column, an enum or a key is one line, quoted SQL text or not; a mapping holding a
        # multi-line text (a function with its body) is a block, so the text can be one too.
        node.flow_style = all(isinstance(v, yaml.ScalarNode) and "\n" not in v.value for _, v in node.value)
        return node


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # SQL text is full of single quotes ('pending', nextval('t_id_seq'::regclass)): double quotes
    # keep it readable instead of doubling every one. SQLAlchemy's names are str subclasses
    # (quoted_name, conv), written as the plain strings they are.
    # A multi-line text (a function's body) is a literal block, its lines as written; PyYAML
    # falls back to double quotes where a block cannot keep the text exactly (trailing spaces).
    style = "|" if "\n" in data else '"' if "'" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_multi_representer(str, _represent_str)


def to_yaml(resource: dict, *, header: Iterable[str] = ()) -> str:
    lines = [f"# {h}" for h in header]
    body = yaml.dump(resource, Dumper=_Dumper, sort_keys=False, default_flow_style=None, allow_unicode=True,
                     width=120)
    return "\n".join(lines + [body.rstrip("\n")]) + "\n"


def generated_by(arguments: Iterable[str]) -> str:
    return (f"Written by `python -m schema_operator_sqlalchemy export {' '.join(arguments)}` "
            f"(SQLAlchemy {sqlalchemy.__version__}); mode: Plan until you switch it to Apply.")
