"""Objects of `sqlalchemy-declarative-extensions` (views, functions, triggers, rows, ...; grants in grants.py).

That package keeps what it declares in `metadata.info` under one key per kind, so this module
reads them without importing it. Rows become seed rows (`spec.seed`), views `spec.views`, functions
and procedures `spec.functions`, triggers `spec.tables[].triggers`, kinds the resource has; every
other kind (and what those fields cannot carry) is refused naming the object, because the operator does not manage it yet and an export that silently left it out would
hand the operator a schema without it.
"""
from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
import re
import uuid
from typing import Any, Iterable, Optional

from sqlalchemy import MetaData

from .errors import UnsupportedModelError

# metadata.info key -> (the collection's list attribute, why the resource cannot carry it)
REFUSED_KINDS = {
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
    grant = getattr(obj, "grant", None)  # a GrantStatement or a DefaultGrantStatement
    if grant is not None and hasattr(grant, "grants") and hasattr(grant, "target_role"):
        privileges = ", ".join(str(getattr(g, "value", g)) for g in grant.grants)
        default = getattr(obj, "default_grant", None)
        if default is not None:
            kind = str(getattr(default.grant_type, "value", default.grant_type)).lower()
            on = f"{kind}s in schema {', '.join(default.in_schemas)} (default)"
        else:
            kind = str(getattr(obj.grant_type, "value", obj.grant_type)).lower()
            on = f"{kind} {', '.join(obj.targets)}"
        return f"{privileges} on {on} to {grant.target_role}"
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


def triggers_from_declared(metadata: MetaData, schema: str, tables: dict[str, dict],
                           views: Iterable[str] = ()) -> dict[str, list[dict]]:
    """The package's PostgreSQL triggers as `spec.tables[].triggers` entries, by table name, in
    declaration order: what its create_all hook writes (`CREATE TRIGGER name time events ON table
    FOR EACH level [WHEN (condition)] EXECUTE PROCEDURE function('argument', ...)`)."""
    collection = metadata.info.get("triggers")
    if collection is None or not _is_extension_object(collection):
        return {}
    declared = _items(collection, "triggers")
    if declared and (getattr(collection, "ignore", None) or getattr(collection, "include", None) is not None
                     or getattr(collection, "ignore_unspecified", False)):
        # The operator manages every trigger of a declared table: one the package was told to leave
        # alone would be dropped.
        raise UnsupportedModelError("triggers (sqlalchemy-declarative-extensions)",
                                    "include=, ignore= and ignore_unspecified= have no field: the operator "
                                    "manages every trigger of a declared table")
    # Only now: the package is installed, since it made the collection.
    from sqlalchemy_declarative_extensions.dialects.postgresql import Trigger  # noqa: PLC0415

    out: dict[str, list[dict]] = {}
    views = set(views)
    for trigger in declared:
        where = f"trigger {trigger.name} on {trigger.on} (sqlalchemy-declarative-extensions)"
        if not isinstance(trigger, Trigger):
            raise UnsupportedModelError(where, f"a {type(trigger).__module__}.{type(trigger).__name__} is not "
                                               "a PostgreSQL trigger")
        table_schema, _, table = trigger.on.rpartition(".")
        if (table_schema or schema) != schema:
            raise UnsupportedModelError(where, f"it is in schema {table_schema!r}; this export is of {schema!r}")
        if table in views:
            raise UnsupportedModelError(where, "a trigger on a view has no field: spec.tables[].triggers are "
                                               "a table's")
        if table not in tables:
            raise UnsupportedModelError(where, f"{table!r} is not a table of this export")
        timing = _word(trigger.time)
        if timing not in ("before", "after"):
            raise UnsupportedModelError(where, f"{timing!r} is a view's timing: a table's trigger is "
                                               "before or after")
        if trigger.old_table or trigger.new_table:
            raise UnsupportedModelError(where, "transition tables (REFERENCING OLD/NEW TABLE) have no field "
                                               "in spec.tables[].triggers")
        events = [_word(e) for e in trigger.events]
        if not events or len(set(events)) != len(events):
            raise UnsupportedModelError(where, f"events {events} must name each event once, at least one")
        if trigger.execute.count(".") > 1 or "(" in trigger.execute or not trigger.execute.strip():
            raise UnsupportedModelError(where, f"execute={trigger.execute!r} is not a function name "
                                               "(name or schema.name)")
        for argument in trigger.arguments or ():
            if not isinstance(argument, str) or "'" in argument:
                # The package writes each between single quotes as it is: a quote in it is not
                # the argument PostgreSQL would be given, if it parses at all.
                raise UnsupportedModelError(where, f"argument {argument!r}: the package's CREATE cannot "
                                                   "write it as a string literal")
        entry: dict[str, Any] = {"name": trigger.name, "timing": timing, "events": events}
        if _word(trigger.for_each) == "row":
            entry["forEach"] = "row"
        if trigger.condition:
            entry["when"] = trigger.condition
        entry["function"] = trigger.execute
        if trigger.arguments:
            entry["arguments"] = list(trigger.arguments)
        out.setdefault(table, []).append(entry)
    return out


# The attributes of the package's PostgreSQL Function and Procedure that spec.functions carries.
# Any other attribute set away from its default (LEAKPROOF today, whatever a later version adds)
# is refused by name: the operator would make the function without it.
_FUNCTION_ATTRIBUTES = {"name", "definition", "returns", "language", "schema", "parameters", "security",
                        "volatility", "parallel", "strict"}
_PROCEDURE_ATTRIBUTES = {"name", "definition", "language", "schema", "security"}
# A SQL-standard body (`RETURN a + b`, `BEGIN ATOMIC ... END`), which create_all writes unquoted.
_SQL_STANDARD_BODY = re.compile(r"\W*(BEGIN\s+ATOMIC|RETURN)\W", re.IGNORECASE)


def functions_from_declared(metadata: MetaData, schema: str) -> list[dict]:
    """The package's functions, then its procedures, as `spec.functions` entries: each as the
    package's own create_all hook makes it (the PostgreSQL variant of the object, normalized), so
    the body is the text between its `$$` and the arguments the list it writes in parentheses."""
    functions = _declared(metadata, "functions", "functions")
    procedures = _declared(metadata, "procedures", "procedures")
    return ([_function_entry(f, schema) for f in functions] +
            [_procedure_entry(p, schema) for p in procedures])


def _declared(metadata: MetaData, key: str, attr: str) -> list:
    collection = metadata.info.get(key)
    if collection is None or not _is_extension_object(collection):
        return []
    return _items(collection, attr)


def _function_entry(declared: Any, schema: str) -> dict:
    # Only now: the package is installed, since it made the collection.
    from sqlalchemy_declarative_extensions.dialects.postgresql import Function  # noqa: PLC0415

    # As compare_functions does before it creates: a dialect-neutral Function becomes PostgreSQL's.
    function = Function.from_unknown_function(declared)
    where = f"function {_describe(function)} (sqlalchemy-declarative-extensions)"
    _check_routine(where, function, schema, _FUNCTION_ATTRIBUTES)
    _refuse_out_parameters(where, function)
    made = _normalized(where, function)
    returns = getattr(made, "returns", None)
    if returns is None:
        # The package's CREATE has no RETURNS to write then, and create_all fails on it.
        raise UnsupportedModelError(where, "it declares no result type: set returns= (\"void\" for none)")
    entry: dict[str, Any] = {"name": _unqualified_name(function)}
    arguments = ", ".join(p.to_sql_create() for p in made.parameters or ())
    if arguments:
        entry["arguments"] = arguments
    entry["returns"] = returns.to_sql_create()
    entry.update(_routine_entry(made))
    entry.update(_function_options(where, made))
    return entry


def _procedure_entry(declared: Any, schema: str) -> dict:
    try:
        from sqlalchemy_declarative_extensions.dialects.postgresql import Procedure  # noqa: PLC0415
    except ImportError:  # a version without procedures cannot have declared one; kept safe anyway
        raise UnsupportedModelError(f"procedure {_describe(declared)} (sqlalchemy-declarative-extensions)",
                                    "this version of the package has no PostgreSQL procedure") from None
    procedure = Procedure.from_unknown_procedure(declared)
    where = f"procedure {_describe(procedure)} (sqlalchemy-declarative-extensions)"
    _check_routine(where, procedure, schema, _PROCEDURE_ATTRIBUTES)
    made = _normalized(where, procedure)
    return {"name": _unqualified_name(procedure), "kind": "procedure", **_routine_entry(made)}


def _routine_entry(made: Any) -> dict:
    """What functions and procedures share: the language as PostgreSQL folds the unquoted word
    the package writes, the body as it keeps it (`prosrc`), SECURITY DEFINER."""
    entry: dict[str, Any] = {"language": made.language.lower(), "body": made.definition}
    if _word(getattr(made, "security", None)) == "definer":
        entry["securityDefiner"] = True
    return entry


def _check_routine(where: str, routine: Any, schema: str, mapped: set) -> None:
    routine_schema = _routine_schema(routine)
    if (routine_schema or schema) != schema:
        raise UnsupportedModelError(where, f"it is in schema {routine_schema!r}; this export is of {schema!r}")
    unmapped = _options_set(routine, mapped)
    if unmapped:
        name, value = unmapped[0]
        raise UnsupportedModelError(where, f"{name}={value!r} has no field in spec.functions")
    if _sql_standard_body(routine):
        # PostgreSQL keeps such a body parsed, not as text: the operator lists it as not managed.
        raise UnsupportedModelError(where, "a SQL-standard body (RETURN ... or BEGIN ATOMIC) cannot be declared "
                                           "in spec.functions: write it as a query, e.g. \"SELECT a + b\"")


def _routine_schema(routine: Any) -> Optional[str]:
    # The package writes the name double-quoted and split at dots: "audit.touch" is audit's.
    if routine.schema is None and "." in routine.name:
        return routine.name.split(".", 1)[0]
    return routine.schema


def _unqualified_name(routine: Any) -> str:
    return routine.name.split(".", 1)[1] if routine.schema is None and "." in routine.name else routine.name


def _options_set(routine: Any, mapped: set) -> list[tuple[str, Any]]:
    """The object's dataclass attributes outside `mapped` that are not at their default."""
    out = []
    for field in dataclasses.fields(routine):
        if field.name in mapped:
            continue
        if field.default is not dataclasses.MISSING:
            default = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            default = dataclasses.MISSING  # a required attribute: always set
        value = getattr(routine, field.name)
        if value != default:
            out.append((field.name, getattr(value, "value", value)))
    return out


def _sql_standard_body(routine: Any) -> bool:
    # The package's own test decides how its CREATE writes the body; ours where it has none.
    has = getattr(routine, "_has_sqlbody", None)
    if isinstance(has, bool):
        return has
    return routine.language.lower() == "sql" and bool(_SQL_STANDARD_BODY.match(routine.definition))


def _refuse_out_parameters(where: str, function: Any) -> None:
    # normalize() keeps only the input parameters, so create_all makes the function without its
    # OUT parameters: neither the declaration nor that database is something to export.
    from sqlalchemy_declarative_extensions.dialects.postgresql import FunctionParam  # noqa: PLC0415

    for parameter in function.parameters or ():
        parameter = FunctionParam.from_unknown(parameter)
        if parameter.mode == "o":
            raise UnsupportedModelError(f"{where}, parameter {parameter.name}",
                                        "create_all leaves OUT parameters out: declare the result in returns=")


def _normalized(where: str, routine: Any) -> Any:
    # The package's normalize() is what its create_all hook writes; what it cannot write (a
    # TABLE(...) result given as text, say) it raises on, here named.
    try:
        return routine.normalize()
    except (NotImplementedError, ValueError, TypeError, AttributeError) as e:
        raise UnsupportedModelError(where, f"sqlalchemy-declarative-extensions cannot create it: {e}") from None


def _function_options(where: str, made: Any) -> dict:
    """volatility, strict and parallel where they are not PostgreSQL's defaults."""
    options: dict[str, Any] = {}
    volatility = _word(getattr(made, "volatility", None)) or "volatile"
    parallel = _word(getattr(made, "parallel", None)) or "unsafe"
    if volatility not in ("volatile", "stable", "immutable"):
        raise UnsupportedModelError(where, f"volatility {volatility!r} is not volatile, stable or immutable")
    if parallel not in ("unsafe", "restricted", "safe"):
        raise UnsupportedModelError(where, f"parallel {parallel!r} is not unsafe, restricted or safe")
    if volatility != "volatile":
        options["volatility"] = volatility
    if getattr(made, "strict", False):
        options["strict"] = True
    if parallel != "unsafe":
        options["parallel"] = parallel
    return options


def _word(value: Any) -> Optional[str]:
    # The package's enums (FunctionVolatility.stable is "STABLE"), or the word itself.
    value = getattr(value, "value", value)
    return value.lower() if isinstance(value, str) else None


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

