"""One SQLAlchemy Table to one `spec.tables[]` entry, as `metadata.create_all()` would create it.

Everything is compiled by SQLAlchemy's own PostgreSQL dialect (types, server defaults, check
expressions, index predicates), so the resource says what `create_all` runs, not what the model's
Python looks like. What the resource cannot express raises UnsupportedModelError naming the model
and the column, constraint or index: a silently dropped object would be drift the operator later
"fixes" by deleting it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from sqlalchemy import Column, Table, types as sqltypes
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    PrimaryKeyConstraint,
    Sequence,
    UniqueConstraint,
)

from sqlalchemy.sql.ddl import DDLElement

from .errors import UnsupportedModelError

DIALECT = postgresql.dialect()
PREPARER = DIALECT.identifier_preparer
# A DDL compiler with no statement: its helpers (default strings, constraint names) are what
# CREATE TABLE uses, and they need nothing but the dialect.
DDL = DIALECT.ddl_compiler(DIALECT, None)
# SQLAlchemy 2.0 names the dialect's type compiler instance type_compiler_instance; 1.4 type_compiler.
TYPE_COMPILER = getattr(DIALECT, "type_compiler_instance", None) or DIALECT.type_compiler

FK_ACTIONS = {"no action", "restrict", "cascade", "set null", "set default"}


@dataclass
class EnumType:
    name: str
    values: list[str]
    where: str  # the first column using it, for messages


@dataclass
class ExportContext:
    """What a table's export needs from the whole metadata."""

    schema: str  # the PostgreSQL schema being exported
    exported: set  # the Tables that go into this resource
    label: Callable[[Table], str]  # "Order (orders)" or "orders"
    enums: dict[str, EnumType] = field(default_factory=dict)  # by name, in order of first use
    sequences: list[dict] = field(default_factory=list)  # the sequences serial columns own

    def where(self, table: Table, part: Optional[str] = None) -> str:
        base = self.label(table)
        return base if part is None else f"{base}, {part}"


def _refuse(obj: str, reason: str) -> UnsupportedModelError:
    return UnsupportedModelError(obj, reason)


def _base_type(type_: sqltypes.TypeEngine) -> sqltypes.TypeEngine:
    """The type PostgreSQL gets: a TypeDecorator's dialect implementation, unwrapped."""
    seen = 0
    while isinstance(type_, sqltypes.TypeDecorator) and seen < 10:
        type_ = type_.load_dialect_impl(DIALECT)
        seen += 1
    return type_


def _compile_sql(expr: Any) -> str:
    """An expression as CREATE TABLE/INDEX renders it: bound values inlined, no table prefix."""
    if isinstance(expr, str):
        return expr
    return DDL.sql_compiler.process(expr, include_table=False, literal_binds=True)


def _name(obj: Any) -> Optional[str]:
    """The constraint or index name create_all sends (naming conventions applied), unquoted."""
    if obj.name is None:  # unnamed, and no naming convention applies: PostgreSQL names it
        return None
    return PREPARER.format_constraint(obj, _alembic_quote=False)


def _lower_unquoted(text: str) -> str:
    # "NUMERIC(12, 2)" reads better as numeric(12, 2); a quoted identifier keeps its case.
    return text if '"' in text else text.lower()


def _is_serial(column: Column) -> bool:
    """Whether create_all makes this column SERIAL/BIGSERIAL/SMALLSERIAL (the dialect's own test)."""
    has_identity = column.identity is not None
    return bool(
        column.primary_key
        and column is column.table._autoincrement_column
        and not has_identity
        and (column.default is None or (isinstance(column.default, Sequence) and column.default.optional))
    )


def _native_enum(type_: sqltypes.TypeEngine) -> Optional[sqltypes.Enum]:
    if isinstance(type_, sqltypes.Enum) and type_.native_enum:
        return type_
    return None


class TableExporter:
    def __init__(self, ctx: ExportContext, table: Table):
        self.ctx = ctx
        self.table = table

    def where(self, part: Optional[str] = None) -> str:
        return self.ctx.where(self.table, part)

    # ---- the table --------------------------------------------------------------------------

    def export(self) -> dict:
        t = self.table
        self._refuse_table_options()
        out: dict[str, Any] = {"name": t.name}
        if t.comment:
            out["comment"] = t.comment
        out["columns"] = [self._column(c) for c in t.columns]
        pk = self._primary_key()
        if pk:
            out["primaryKey"] = pk
        # Column(..., CheckConstraint(...)) is rendered inside its column's definition and kept in
        # column.constraints, not table.constraints.
        declared = list(t.constraints) + [c for col in t.columns for c in col.constraints]
        creatable = [c for c in declared if _created_by_create_all(c)]
        uniques, fks, checks = [], [], []
        for c in sorted(creatable, key=_constraint_order):
            if isinstance(c, PrimaryKeyConstraint):
                continue
            if isinstance(c, UniqueConstraint):
                uniques.append(self._unique(c))
            elif isinstance(c, ForeignKeyConstraint):
                fks.append(self._foreign_key(c))
            elif isinstance(c, CheckConstraint):
                checks.append(self._check(c))
            else:
                raise _refuse(
                    self.where(f"constraint {_name(c) or type(c).__name__}"),
                    f"{type(c).__name__} is not expressible in a DatabaseSchema yet "
                    "(primary key, unique, foreign key and check constraints are)",
                )
        if uniques:
            out["unique"] = uniques
        if fks:
            out["foreignKeys"] = fks
        if checks:
            out["checks"] = checks
        indexes = [self._index(i) for i in sorted(t.indexes, key=lambda i: _name(i) or "")]
        if indexes:
            out["indexes"] = indexes
        return out

    def _refuse_table_options(self) -> None:
        t = self.table
        if t._prefixes:
            raise _refuse(self.where(), f"table prefixes {t._prefixes} (e.g. UNLOGGED, TEMPORARY) are not expressible")
        options = t.dialect_options["postgresql"]
        for key in ("inherits", "partition_by", "with_oids", "on_commit", "tablespace", "using"):
            if options.get(key) not in (None, False):
                raise _refuse(self.where(), f"postgresql_{key} is not expressible in a DatabaseSchema yet")
        for when in ("before_create", "after_create"):
            for listener in getattr(t.dispatch, when):
                if _is_ddl(listener):
                    raise _refuse(
                        self.where(),
                        f"DDL attached to {when} ({_describe_ddl(listener)}) would not be in the resource; "
                        "declare what it creates, or keep it in an Alembic migration and out of the models",
                    )

    # ---- columns ----------------------------------------------------------------------------

    def _column(self, col: Column) -> dict:
        where = self.where(f"column {col.name}")
        out: dict[str, Any] = {"name": col.name}
        if col.computed is not None:
            raise _refuse(where, "Computed (GENERATED ALWAYS AS) columns are not expressible in a DatabaseSchema yet")
        base = _base_type(col.type)
        if getattr(base, "collation", None):
            raise _refuse(where, f"collation {base.collation!r} is not expressible in a DatabaseSchema yet")
        domain = getattr(postgresql, "DOMAIN", None)
        if domain is not None and isinstance(base, domain):
            raise _refuse(where, f"domain {base.name!r} is not expressible in a DatabaseSchema yet")

        serial = _is_serial(col)
        if serial:
            out["type"] = self._serial_type(col, base)
        else:
            out["type"] = self._type(col, base, where)
            if isinstance(col.default, Sequence):
                raise _refuse(
                    where,
                    f"Sequence({col.default.name!r}) makes a standalone sequence, which a DatabaseSchema does not "
                    "declare yet; use Identity() or a plain autoincrement key",
                )
            default = DDL.get_column_default_string(col)
            if default is not None:
                out["default"] = default

        in_key = col.primary_key
        if col.identity is not None:
            out["identity"] = self._identity(col, where)
        if serial:
            out.update(self._serial_default(col, out["type"]))
        if not col.nullable and not in_key and col.identity is None:
            out["nullable"] = False
        if col.comment:
            out["comment"] = col.comment
        return out

    def _type(self, col: Column, base: sqltypes.TypeEngine, where: str) -> str:
        enum = _native_enum(base)
        if enum is not None:
            return self._enum(enum, where)
        if isinstance(base, sqltypes.ARRAY):
            item = _native_enum(_base_type(base.item_type))
            if item is not None:
                return self._enum(item, where) + "[]" * (base.dimensions or 1)
        compiled = TYPE_COMPILER.process(col.type, type_expression=col, identifier_preparer=PREPARER)
        return _lower_unquoted(compiled)

    def _enum(self, enum: sqltypes.Enum, where: str) -> str:
        if not enum.name:
            raise _refuse(where, "a native Enum needs a name (Enum(..., name='...'))")
        if enum.schema not in (None, self.ctx.schema):
            raise _refuse(
                where,
                f"enum {enum.name!r} is in schema {enum.schema!r}; a DatabaseSchema declares enums of its own "
                f"schema ({self.ctx.schema!r}) only",
            )
        values = list(enum.enums)
        known = self.ctx.enums.get(enum.name)
        if known is None:
            self.ctx.enums[enum.name] = EnumType(enum.name, values, where)
        elif known.values != values:
            raise _refuse(
                where,
                f"enum {enum.name!r} has values {values}, but {known.where} declares it with {known.values}",
            )
        return enum.name

    def _identity(self, col: Column, where: str) -> str:
        identity = col.identity
        options = {
            k: getattr(identity, k, None)
            for k in ("start", "increment", "minvalue", "maxvalue", "nominvalue", "nomaxvalue", "cycle", "cache", "order")
        }
        set_options = {k: v for k, v in options.items() if v not in (None, False)}
        if set_options:
            raise _refuse(where, f"Identity options {set_options} are not expressible (identity: always | by-default only)")
        return "always" if identity.always else "by-default"

    def _serial_type(self, col: Column, base: sqltypes.TypeEngine) -> str:
        if isinstance(base, sqltypes.BigInteger):
            return "bigint"
        if isinstance(base, sqltypes.SmallInteger):
            return "smallint"
        return "integer"

    def _serial_default(self, col: Column, type_: str) -> dict:
        """SERIAL is shorthand for an integer column defaulting to the nextval of a sequence it owns.

        The resource says it as what it is (the contract's Part 2): the sequence under
        `spec.sequences` with `ownedBy`, and the default as PostgreSQL prints it."""
        seq = serial_sequence_name(self.table.name, col.name)
        self.ctx.sequences.append({"name": seq, "type": type_, "ownedBy": f"{self.table.name}.{col.name}"})
        return {"default": f"nextval('{_quote_regclass(seq)}'::regclass)"}

    def _primary_key(self) -> list[str]:
        pk = self.table.primary_key
        columns = [c.name for c in pk.columns]
        if not columns:
            return []
        name = _name(pk)
        default = _pg_default_name(self.table.name, "pkey")
        if name is not None and name != default:
            raise _refuse(
                self.where(f"primary key {name}"),
                f"a DatabaseSchema cannot name a primary key: PostgreSQL will call it {default!r}. "
                "Drop the name (or the 'pk' naming convention) to export",
            )
        return columns

    # ---- constraints --------------------------------------------------------------------------

    def _refuse_deferrable(self, c: Any, what: str) -> None:
        if c.deferrable is not None or c.initially is not None:
            raise _refuse(self.where(what), "DEFERRABLE/INITIALLY is not expressible in a DatabaseSchema yet")

    def _unique(self, c: UniqueConstraint) -> dict:
        name = _name(c)
        what = f"unique constraint {name or ', '.join(col.name for col in c.columns)}"
        self._refuse_deferrable(c, what)
        if c.dialect_options["postgresql"].get("nulls_not_distinct"):
            raise _refuse(self.where(what), "NULLS NOT DISTINCT is not expressible in a DatabaseSchema yet")
        if c.dialect_options["postgresql"].get("include"):
            raise _refuse(self.where(what), "INCLUDE on a unique constraint is not expressible in a DatabaseSchema yet")
        out: dict[str, Any] = {}
        if name:
            out["name"] = name
        out["columns"] = [col.name for col in c.columns]
        return out

    def _foreign_key(self, c: ForeignKeyConstraint) -> dict:
        name = _name(c)
        columns = [col.name for col in c.columns]
        what = f"foreign key {name or ', '.join(columns)}"
        self._refuse_deferrable(c, what)
        if c.match is not None:
            raise _refuse(self.where(what), f"MATCH {c.match} is not expressible in a DatabaseSchema yet")
        if c.dialect_options["postgresql"].get("not_valid"):
            raise _refuse(self.where(what), "postgresql_not_valid is not expressible (the operator validates every key)")
        target = c.referred_table
        if target not in self.ctx.exported:
            raise _refuse(
                self.where(what),
                f"it references {target.fullname}, which is not a table of schema {self.ctx.schema!r} in this "
                "export; a DatabaseSchema's foreign keys reference its own tables",
            )
        out: dict[str, Any] = {}
        if name:
            out["name"] = name
        out["columns"] = columns
        out["references"] = {"table": target.name, "columns": [e.column.name for e in c.elements]}
        for key, action in (("onDelete", c.ondelete), ("onUpdate", c.onupdate)):
            if action is None:
                continue
            spelled = " ".join(action.lower().split())
            if spelled not in FK_ACTIONS:
                raise _refuse(self.where(what), f"ON {key[2:].upper()} {action} is not one of {sorted(FK_ACTIONS)}")
            if spelled != "no action":
                out[key] = spelled
        return out

    def _check(self, c: CheckConstraint) -> dict:
        name = _name(c)
        what = f"check constraint {name or _compile_sql(c.sqltext)}"
        self._refuse_deferrable(c, what)
        if c.dialect_options["postgresql"].get("not_valid"):
            raise _refuse(self.where(what), "postgresql_not_valid is not expressible (the operator validates every check)")
        out: dict[str, Any] = {}
        if name:
            out["name"] = name
        out["expression"] = _compile_sql(c.sqltext)
        return out

    # ---- indexes ------------------------------------------------------------------------------

    def _index(self, index: Index) -> dict:
        name = _name(index)
        what = f"index {name or '(unnamed)'}"
        options = index.dialect_options["postgresql"]
        columns = []
        for expr in index.expressions:
            if isinstance(expr, Column):
                columns.append(expr.name)
            else:
                raise _refuse(
                    self.where(what),
                    f"key {_compile_sql(expr)!r} is an expression (or has an order); a DatabaseSchema index lists "
                    "plain columns only in this version (index `keys` with expressions are not supported yet)",
                )
        for key, label in (
            ("ops", "postgresql_ops (operator classes)"),
            ("include", "postgresql_include"),
            ("with", "postgresql_with (storage parameters)"),
            ("tablespace", "postgresql_tablespace"),
            ("nulls_not_distinct", "postgresql_nulls_not_distinct"),
        ):
            if options.get(key):
                raise _refuse(self.where(what), f"{label} is not expressible in a DatabaseSchema yet")
        out: dict[str, Any] = {}
        if name:
            out["name"] = name
        out["columns"] = columns
        if options.get("where") is not None:
            out["where"] = _compile_sql(options["where"])
        method = options.get("using")
        if method and method.lower() != "btree":
            out["method"] = method.lower()
        if index.unique:
            out["unique"] = True
        return out


def _created_by_create_all(c: Any) -> bool:
    # A type's own constraint (Enum, Boolean) exists only where the dialect wants it: not for a
    # native PostgreSQL enum. SQLAlchemy 2.0 asks the constraint; 1.4 its _create_rule.
    should = getattr(c, "_should_create_for_compiler", None)
    if should is not None:
        return should(DDL)
    rule = getattr(c, "_create_rule", None)
    return rule is None or rule(DDL)


def _constraint_order(c: Any) -> tuple:
    # A stable order a reader can follow: by kind, then name, then columns.
    kinds = (PrimaryKeyConstraint, UniqueConstraint, ForeignKeyConstraint, CheckConstraint)
    kind = next((i for i, k in enumerate(kinds) if isinstance(c, k)), len(kinds))
    name = _name(c) or ""
    cols = ",".join(col.name for col in getattr(c, "columns", []))
    text = _compile_sql(c.sqltext) if isinstance(c, CheckConstraint) else ""
    return (kind, name == "", name, cols, text)


def _is_ddl(listener: Any) -> bool:
    # event.listen(table, "after_create", DDL("...")) registers the DDL object itself; SQLAlchemy's
    # own listeners (an Enum creating its type) are plain callables and are create_all's business.
    return isinstance(listener, DDLElement)


def _describe_ddl(listener: Any) -> str:
    text = getattr(listener, "statement", None)
    return repr(str(text)[:60]) if text is not None else type(listener).__name__


def _pg_default_name(table: str, suffix: str) -> str:
    """The name PostgreSQL gives `table_suffix` (ChooseRelationName without collision handling)."""
    return _fit_name(table, None, suffix)


def _fit_name(name1: str, name2: Optional[str], label: str) -> str:
    # PostgreSQL's makeObjectName: shorten the longer part until name1[_name2]_label fits 63 bytes.
    limit = 63
    b1, b2 = name1.encode(), (name2 or "").encode()
    overhead = len(label.encode()) + 1 + (1 if name2 else 0)
    avail = limit - overhead
    l1, l2 = len(b1), len(b2)
    while l1 + l2 > avail:
        if l1 > l2:
            l1 -= 1
        else:
            l2 -= 1
    part1 = _clip_utf8(b1, l1)
    out = part1
    if name2:
        out += "_" + _clip_utf8(b2, l2)
    return out + "_" + label


def _clip_utf8(data: bytes, length: int) -> str:
    # pg_mbcliplen: never cut a multibyte character in half.
    while length > 0:
        try:
            return data[:length].decode()
        except UnicodeDecodeError:
            length -= 1
    return ""


def serial_sequence_name(table: str, column: str) -> str:
    """The sequence SERIAL makes: `table_column_seq`, shortened as PostgreSQL does."""
    return _fit_name(table, column, "seq")


def _quote_regclass(name: str) -> str:
    # nextval's argument is a regclass literal: an identifier that needs quotes gets them, and the
    # literal's own single quotes are doubled.
    ident = PREPARER.quote(name)
    return ident.replace("'", "''")
