#!/usr/bin/env python3
"""Deterministic generator of realistic schemas for the benchmarks, from one description:

    generate_schema.py --tables 1000 [--seed 7] [--name bench] > schema.yaml
    generate_schema.py --tables 1000 --out DIR [--drift-rate 0.012]

The same arguments always give the same output. Tables mix the column types real services use
(bigint identity keys, text, varchar(n), numeric(p,s), booleans, timestamptz defaults, jsonb, uuid,
enums), NOT NULLs, comments, unique constraints, foreign keys (including cycles), checks, and
partial and multi-column indexes.

With --out, DIR receives:
  schema.yaml   the DatabaseSchema (prune on, so extra tables count as drift)
  models.py     the same schema as SQLAlchemy declarative models (`metadata` is what Alembic reads)
  drift.sql     statements that inject a few hundred drifts of every kind into a database that
                matches schema.yaml
  drifts.json   those drifts, machine-readable: kind, table, object, and the drift items
                ([category, table, name]) a tool that sees it must report (bench/drift_keys.py)
Written without a YAML library: the output is plain block YAML.
"""
import argparse
import json
import os
import random

ENUMS = {
    "order_status": ["pending", "paid", "shipped", "cancelled"],
    "account_kind": ["personal", "business"],
    "priority": ["low", "normal", "high"],
}

KINDS = ["text", "numeric", "bool", "jsonb", "uuid", "enum", "int", "ts"]


def q(text):
    """A YAML scalar that always reads back as the same string (JSON strings are YAML)."""
    return json.dumps(text)


# ---- the description --------------------------------------------------------------------------


def column(name, kind, pg, nullable=True, default=None, identity=None, enum=None, comment=None):
    return {"name": name, "kind": kind, "type": pg, "nullable": nullable, "default": default,
            "identity": identity, "enum": enum, "comment": comment}


def table(i, n, rng):
    name = f"t{i:05d}"
    cols = [column("id", "id", "bigint", nullable=False, identity="always")]
    length = rng.choice([40, 80, 200])
    cols.append(column("name", "name", f"varchar({length})", nullable=False,
                       comment=f"display name of a {name} row" if i % 3 == 0 else None))
    cols.append(column("created_at", "created", "timestamptz", nullable=False, default="now()"))
    for k in range(rng.randint(3, 9)):
        kind = rng.choice(KINDS)
        cname = f"c{k}_{kind}"
        if kind == "text":
            cols.append(column(cname, kind, "text"))
        elif kind == "numeric":
            cols.append(column(cname, kind, f"numeric({rng.choice([10, 12, 18])},{rng.choice([0, 2, 4])})",
                               nullable=False, default="0"))
        elif kind == "bool":
            cols.append(column(cname, kind, "boolean", nullable=False, default="false"))
        elif kind == "jsonb":
            cols.append(column(cname, kind, "jsonb", default="'{}'::jsonb"))
        elif kind == "uuid":
            cols.append(column(cname, kind, "uuid"))
        elif kind == "enum":
            e = rng.choice(sorted(ENUMS))
            cols.append(column(cname, kind, e, nullable=False, default=f"'{ENUMS[e][0]}'", enum=e))
        elif kind == "int":
            cols.append(column(cname, kind, "integer"))
        else:
            cols.append(column(cname, kind, "timestamptz"))
    t = {"name": name, "columns": cols, "pk": ["id"], "uniques": [], "fks": [], "checks": [], "indexes": [],
         "comment": f"table {name} of the benchmark" if i % 4 == 0 else None}
    # A foreign key to an earlier table; every 50th table points back at its predecessor, which
    # points forward at it: a cycle.
    if i > 0:
        target = i - 1 if i % 50 == 0 else rng.randrange(0, i)
        t["fks"].append({"name": f"{name}_parent_fk", "column": "parent_id", "target": f"t{target:05d}",
                         "action": rng.choice(["cascade", "set null", "no action"])})
    if i % 50 == 49 and n > i + 1:
        t["fks"].append({"name": f"{name}_next_fk", "column": "next_id", "target": f"t{i + 1:05d}",
                         "action": "no action"})
    for fk in t["fks"]:
        cols.append(column(fk["column"], "fk", "bigint"))
    if rng.random() < 0.5:
        t["uniques"].append({"name": f"{name}_name_key", "columns": ["name"]})
    numerics = [c["name"] for c in cols if c["kind"] == "numeric"]
    if numerics:
        t["checks"].append({"name": f"{name}_{numerics[0]}_check", "expression": f"{numerics[0]} >= 0",
                            "column": numerics[0]})
    t["indexes"].append({"name": f"{name}_created_idx", "columns": ["created_at", "name"], "where": None})
    if t["fks"]:
        t["indexes"].append({"name": f"{name}_parent_idx", "columns": ["parent_id"],
                             "where": "parent_id IS NOT NULL"})
    return t


def describe(tables, seed):
    rng = random.Random(seed)
    return {"enums": ENUMS, "tables": [table(i, tables, rng) for i in range(tables)]}


# ---- DatabaseSchema YAML -----------------------------------------------------------------------


def emit_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(emit_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {emit_value(x)}" for k, x in v.items()) + "}"
    return q(str(v))


def yaml_column(c):
    out = {"name": c["name"], "type": c["type"]}
    if c["identity"]:
        out["identity"] = c["identity"]
    elif not c["nullable"]:
        out["nullable"] = False
    if c["default"] is not None:
        out["default"] = c["default"]
    if c["comment"] is not None:
        out["comment"] = c["comment"]
    return out


def to_yaml(desc, name, schema, prune):
    out = ["apiVersion: dbschema.io/v1alpha1", "kind: DatabaseSchema", "metadata:", f"  name: {name}", "spec:",
           f"  schema: {q(schema)}"]
    if prune:
        out.append("  prune: true")
    out.append("  enums:")
    for e, values in desc["enums"].items():
        out.append(f"    - {{name: {e}, values: {emit_value(values)}}}")
    out.append("  tables:")
    for t in desc["tables"]:
        out.append(f"    - name: {t['name']}")
        if t["comment"]:
            out.append(f"      comment: {q(t['comment'])}")
        out.append("      columns:")
        for c in t["columns"]:
            out.append(f"        - {emit_value(yaml_column(c))}")
        out.append(f"      primaryKey: {emit_value(t['pk'])}")
        sections = {
            "unique": [{"name": u["name"], "columns": u["columns"]} for u in t["uniques"]],
            "foreignKeys": [{"name": f["name"], "columns": [f["column"]],
                             "references": {"table": f["target"], "columns": ["id"]}, "onDelete": f["action"]}
                            for f in t["fks"]],
            "checks": [{"name": c["name"], "expression": c["expression"]} for c in t["checks"]],
            "indexes": [dict({"name": i["name"], "columns": i["columns"]}, **({"where": i["where"]} if i["where"] else {}))
                        for i in t["indexes"]],
        }
        for key, items in sections.items():
            if items:
                out.append(f"      {key}:")
                for item in items:
                    out.append(f"        - {emit_value(item)}")
    return "\n".join(out) + "\n"


# ---- SQLAlchemy models -------------------------------------------------------------------------


def sa_type(c):
    t = c["type"]
    if c["enum"]:
        return c["enum"]
    if t == "bigint":
        return "BigInteger"
    if t == "integer":
        return "Integer"
    if t == "text":
        return "Text"
    if t == "boolean":
        return "Boolean"
    if t == "jsonb":
        return "JSONB"
    if t == "uuid":
        return "UUID"
    if t == "timestamptz":
        return "DateTime(timezone=True)"
    if t.startswith("varchar("):
        return f"String({t[8:-1]})"
    if t.startswith("numeric("):
        p, s = t[8:-1].split(",")
        return f"Numeric({p}, {s})"
    raise ValueError(t)


def to_models(desc):
    out = ['"""Generated by bench/generate_schema.py: the benchmark schema as SQLAlchemy models."""',
           "from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Column, DateTime, ForeignKey, Identity,",
           "                        Index, Integer, Numeric, String, Text, UniqueConstraint, text)",
           "from sqlalchemy.dialects.postgresql import ENUM, JSONB, UUID",
           "from sqlalchemy.orm import declarative_base", "", "Base = declarative_base()", "metadata = Base.metadata", ""]
    for e, values in desc["enums"].items():
        out.append(f"{e} = ENUM({', '.join(repr(v) for v in values)}, name={e!r}, create_type=False)")
    for t in desc["tables"]:
        out += ["", "", f"class {t['name'].capitalize()}(Base):", f"    __tablename__ = {t['name']!r}"]
        args = []
        for u in t["uniques"]:
            args.append(f"UniqueConstraint({', '.join(repr(c) for c in u['columns'])}, name={u['name']!r})")
        for c in t["checks"]:
            args.append(f"CheckConstraint({c['expression']!r}, name={c['name']!r})")
        for i in t["indexes"]:
            where = f", postgresql_where=text({i['where']!r})" if i["where"] else ""
            args.append(f"Index({i['name']!r}, {', '.join(repr(c) for c in i['columns'])}{where})")
        if t["comment"]:
            args.append(f"{{'comment': {t['comment']!r}}}")
        if args:
            out.append("    __table_args__ = (")
            out += [f"        {a}," for a in args]
            out.append("    )")
        fks = {f["column"]: f for f in t["fks"]}
        for c in t["columns"]:
            parts = [sa_type(c)]
            if c["identity"]:
                parts.append(f"Identity(always={c['identity'] == 'always'})")
            if c["name"] in fks:
                f = fks[c["name"]]
                action = "" if f["action"] == "no action" else f", ondelete={f['action'].upper()!r}"
                parts.append(f"ForeignKey({f['target'] + '.id'!r}, name={f['name']!r}{action})")
            if c["name"] in t["pk"]:
                parts.append("primary_key=True")
            elif not c["nullable"]:
                parts.append("nullable=False")
            if c["default"] is not None:
                parts.append(f"server_default=text({c['default']!r})")
            if c["comment"] is not None:
                parts.append(f"comment={c['comment']!r}")
            out.append(f"    {c['name']} = Column({', '.join(parts)})")
    return "\n".join(out) + "\n"


# ---- drift -------------------------------------------------------------------------------------

# Each kind: how to pick a target, the SQL that injects it, and the drift items a tool that sees it
# reports, as [category, table, name] (bench/drift_keys.py maps each tool's output to these).
# Tables dropped by `missing_table` are ones no other table references, so the drop removes
# nothing else; every other drift gets a table of its own, so no two drifts touch one table.


def ident(s):
    return '"' + s.replace('"', '""') + '"'


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def plain_columns(t, kinds):
    return [c for c in t["columns"] if c["kind"] in kinds]


def drift_kinds():
    k = {}

    def kind(name, eligible):
        def wrap(f):
            k[name] = (eligible, f)
            return f
        return wrap

    @kind("missing_table", lambda t, ctx: t["name"] not in ctx["referenced"])
    def _(t, ctx):
        return [f"DROP TABLE {ident(t['name'])}"], t["name"], [["table_missing", t["name"], ""]]

    @kind("missing_column", lambda t, ctx: plain_columns(t, {"text", "int", "uuid", "ts", "jsonb"}))
    def _(t, ctx):
        c = ctx["rng"].choice(plain_columns(t, {"text", "int", "uuid", "ts", "jsonb"}))["name"]
        return ([f"ALTER TABLE {ident(t['name'])} DROP COLUMN {ident(c)}"], f"{t['name']}.{c}",
                [["column_missing", t["name"], c]])

    @kind("extra_column", lambda t, ctx: True)
    def _(t, ctx):
        return ([f"ALTER TABLE {ident(t['name'])} ADD COLUMN legacy_note text"], f"{t['name']}.legacy_note",
                [["column_extra", t["name"], "legacy_note"]])

    @kind("type_changed", lambda t, ctx: plain_columns(t, {"int", "text"}))
    def _(t, ctx):
        c = ctx["rng"].choice(plain_columns(t, {"int", "text"}))
        to = "bigint" if c["kind"] == "int" else "varchar(100)"
        return ([f"ALTER TABLE {ident(t['name'])} ALTER COLUMN {ident(c['name'])} TYPE {to}"],
                f"{t['name']}.{c['name']}", [["type", t["name"], c["name"]]])

    @kind("not_null_dropped", lambda t, ctx: plain_columns(t, {"bool", "numeric"}))
    def _(t, ctx):
        c = ctx["rng"].choice(plain_columns(t, {"bool", "numeric"}))["name"]
        return ([f"ALTER TABLE {ident(t['name'])} ALTER COLUMN {ident(c)} DROP NOT NULL"], f"{t['name']}.{c}",
                [["nullable", t["name"], c]])

    @kind("not_null_added", lambda t, ctx: plain_columns(t, {"text", "int", "uuid", "ts"}))
    def _(t, ctx):
        c = ctx["rng"].choice(plain_columns(t, {"text", "int", "uuid", "ts"}))["name"]
        return ([f"ALTER TABLE {ident(t['name'])} ALTER COLUMN {ident(c)} SET NOT NULL"], f"{t['name']}.{c}",
                [["nullable", t["name"], c]])

    @kind("default_changed", lambda t, ctx: plain_columns(t, {"bool", "numeric", "jsonb"}))
    def _(t, ctx):
        c = ctx["rng"].choice(plain_columns(t, {"bool", "numeric", "jsonb"}))
        to = {"bool": "true", "numeric": "1", "jsonb": "'[]'::jsonb"}[c["kind"]]
        return ([f"ALTER TABLE {ident(t['name'])} ALTER COLUMN {ident(c['name'])} SET DEFAULT {to}"],
                f"{t['name']}.{c['name']}", [["default", t["name"], c["name"]]])

    @kind("default_missing", lambda t, ctx: True)
    def _(t, ctx):
        return ([f"ALTER TABLE {ident(t['name'])} ALTER COLUMN created_at DROP DEFAULT"], f"{t['name']}.created_at",
                [["default", t["name"], "created_at"]])

    @kind("default_extra", lambda t, ctx: plain_columns(t, {"text", "int"}))
    def _(t, ctx):
        c = ctx["rng"].choice(plain_columns(t, {"text", "int"}))
        to = "'n/a'" if c["kind"] == "text" else "0"
        return ([f"ALTER TABLE {ident(t['name'])} ALTER COLUMN {ident(c['name'])} SET DEFAULT {to}"],
                f"{t['name']}.{c['name']}", [["default", t["name"], c["name"]]])

    @kind("missing_index", lambda t, ctx: True)
    def _(t, ctx):
        i = t["indexes"][0]["name"]
        return [f"DROP INDEX {ident(i)}"], f"{t['name']}.{i}", [["index_missing", t["name"], i]]

    @kind("extra_index", lambda t, ctx: True)
    def _(t, ctx):
        i = f"{t['name']}_name_extra_idx"
        return ([f"CREATE INDEX {ident(i)} ON {ident(t['name'])} (name)"], f"{t['name']}.{i}",
                [["index_extra", t["name"], i]])

    @kind("index_changed", lambda t, ctx: True)
    def _(t, ctx):
        i = t["indexes"][0]["name"]
        return ([f"DROP INDEX {ident(i)}", f"CREATE INDEX {ident(i)} ON {ident(t['name'])} (created_at)"],
                f"{t['name']}.{i}", [["index_missing", t["name"], i], ["index_extra", t["name"], i]])

    @kind("missing_unique", lambda t, ctx: t["uniques"])
    def _(t, ctx):
        u = t["uniques"][0]["name"]
        return ([f"ALTER TABLE {ident(t['name'])} DROP CONSTRAINT {ident(u)}"], f"{t['name']}.{u}",
                [["unique_missing", t["name"], u]])

    @kind("extra_unique", lambda t, ctx: not t["uniques"])
    def _(t, ctx):
        u = f"{t['name']}_name_extra_key"
        return ([f"ALTER TABLE {ident(t['name'])} ADD CONSTRAINT {ident(u)} UNIQUE (name)"], f"{t['name']}.{u}",
                [["unique_extra", t["name"], u]])

    @kind("missing_check", lambda t, ctx: t["checks"])
    def _(t, ctx):
        c = t["checks"][0]["name"]
        return ([f"ALTER TABLE {ident(t['name'])} DROP CONSTRAINT {ident(c)}"], f"{t['name']}.{c}",
                [["check_missing", t["name"], c]])

    @kind("check_changed", lambda t, ctx: t["checks"])
    def _(t, ctx):
        c = t["checks"][0]
        return ([f"ALTER TABLE {ident(t['name'])} DROP CONSTRAINT {ident(c['name'])}",
                 f"ALTER TABLE {ident(t['name'])} ADD CONSTRAINT {ident(c['name'])} CHECK ({ident(c['column'])} > 0)"],
                f"{t['name']}.{c['name']}", [["check_missing", t["name"], c["name"]], ["check_extra", t["name"], c["name"]]])

    @kind("extra_check", lambda t, ctx: True)
    def _(t, ctx):
        c = f"{t['name']}_id_positive"
        return ([f"ALTER TABLE {ident(t['name'])} ADD CONSTRAINT {ident(c)} CHECK (id > 0)"], f"{t['name']}.{c}",
                [["check_extra", t["name"], c]])

    @kind("missing_fk", lambda t, ctx: t["fks"])
    def _(t, ctx):
        f = t["fks"][0]["name"]
        return ([f"ALTER TABLE {ident(t['name'])} DROP CONSTRAINT {ident(f)}"], f"{t['name']}.{f}",
                [["fk_missing", t["name"], f]])

    @kind("fk_changed", lambda t, ctx: t["fks"])
    def _(t, ctx):
        f = t["fks"][0]
        to = "restrict" if f["action"] != "restrict" else "cascade"
        return ([f"ALTER TABLE {ident(t['name'])} DROP CONSTRAINT {ident(f['name'])}",
                 f"ALTER TABLE {ident(t['name'])} ADD CONSTRAINT {ident(f['name'])} FOREIGN KEY ({ident(f['column'])})"
                 f" REFERENCES {ident(f['target'])} (id) ON DELETE {to.upper()}"],
                f"{t['name']}.{f['name']}", [["fk_missing", t["name"], f["name"]], ["fk_extra", t["name"], f["name"]]])

    @kind("extra_fk", lambda t, ctx: t["name"] != "t00000")
    def _(t, ctx):
        f = f"{t['name']}_id_extra_fk"
        return ([f"ALTER TABLE {ident(t['name'])} ADD CONSTRAINT {ident(f)} FOREIGN KEY (id) REFERENCES t00000 (id)"],
                f"{t['name']}.{f}", [["fk_extra", t["name"], f]])

    @kind("missing_primary_key", lambda t, ctx: t["name"] not in ctx["referenced"])
    def _(t, ctx):
        return ([f"ALTER TABLE {ident(t['name'])} DROP CONSTRAINT {ident(t['name'] + '_pkey')}"],
                f"{t['name']}.{t['name']}_pkey", [["pk_missing", t["name"], t["name"] + "_pkey"]])

    @kind("identity_dropped", lambda t, ctx: True)
    def _(t, ctx):
        return ([f"ALTER TABLE {ident(t['name'])} ALTER COLUMN id DROP IDENTITY"], f"{t['name']}.id",
                [["identity", t["name"], "id"]])

    @kind("table_comment_changed", lambda t, ctx: t["comment"])
    def _(t, ctx):
        return ([f"COMMENT ON TABLE {ident(t['name'])} IS {lit('an outdated description')}"], t["name"],
                [["comment", t["name"], ""]])

    @kind("column_comment_changed", lambda t, ctx: t["columns"][1]["comment"])
    def _(t, ctx):
        return ([f"COMMENT ON COLUMN {ident(t['name'])}.name IS {lit('an outdated description')}"],
                f"{t['name']}.name", [["comment", t["name"], "name"]])

    return k


def enum_drifts(desc):
    """The missing value is the last of its enum (no default uses it): the type is rebuilt without
    it and its columns cast over, as a hand-made migration would. The extra value is added."""
    sql, drifts = [], []
    e = "priority"
    values = desc["enums"][e][:-1]
    users = [(t["name"], c) for t in desc["tables"] for c in t["columns"] if c["enum"] == e]
    sql.append(f"ALTER TYPE {ident(e)} RENAME TO {ident(e + '_old')}")
    sql.append(f"CREATE TYPE {ident(e)} AS ENUM ({', '.join(lit(v) for v in values)})")
    for table_name, c in users:
        col = ident(c["name"])
        sql.append(f"ALTER TABLE {ident(table_name)} ALTER COLUMN {col} DROP DEFAULT, ALTER COLUMN {col} TYPE {ident(e)}"
                   f" USING {col}::text::{ident(e)}, ALTER COLUMN {col} SET DEFAULT {c['default']}")
    sql.append(f"DROP TYPE {ident(e + '_old')}")
    missing = desc["enums"][e][-1]
    drifts.append({"kind": "enum_value_missing", "table": "", "object": f"{e}.{missing}",
                   "expect": [["enum_value_missing", e, missing]]})
    sql.append(f"ALTER TYPE {ident('account_kind')} ADD VALUE {lit('trial')}")
    drifts.append({"kind": "enum_value_extra", "table": "", "object": "account_kind.trial",
                   "expect": [["enum_value_extra", "account_kind", ""]]})
    return sql, drifts


def inject(desc, seed, rate):
    rng = random.Random(seed * 7919 + 17)
    referenced = {f["target"] for t in desc["tables"] for f in t["fks"]}
    ctx = {"rng": rng, "referenced": referenced}
    tables = list(desc["tables"])
    rng.shuffle(tables)
    used = set()
    per_kind = max(1, round(len(tables) * rate))
    sql, drifts = enum_drifts(desc)
    for name, (eligible, make) in drift_kinds().items():
        picked = 0
        for t in tables:
            if picked == per_kind:
                break
            if t["name"] in used or not eligible(t, ctx):
                continue
            used.add(t["name"])
            picked += 1
            statements, obj, expect = make(t, ctx)
            sql += statements
            drifts.append({"kind": name, "table": t["name"], "object": obj, "expect": expect})
    # Tables nobody declared, one per ten drifts of other kinds.
    for k in range(max(1, per_kind)):
        name = f"legacy_{k:04d}"
        sql.append(f"CREATE TABLE {ident(name)} (id bigint PRIMARY KEY, payload jsonb)")
        drifts.append({"kind": "extra_table", "table": name, "object": name, "expect": [["table_extra", name, ""]]})
    return sql, drifts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--name", default="bench")
    ap.add_argument("--schema", default="public")
    ap.add_argument("--out", help="write schema.yaml, models.py, drift.sql and drifts.json here")
    ap.add_argument("--drift-rate", type=float, default=0.012,
                    help="drifts of each kind per table (at least one of each kind)")
    args = ap.parse_args()
    desc = describe(args.tables, args.seed)
    if not args.out:
        print(to_yaml(desc, args.name, args.schema, prune=False), end="")
        return
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "schema.yaml"), "w") as f:
        f.write(to_yaml(desc, args.name, args.schema, prune=True))
    with open(os.path.join(args.out, "models.py"), "w") as f:
        f.write(to_models(desc))
    sql, drifts = inject(desc, args.seed, args.drift_rate)
    with open(os.path.join(args.out, "drift.sql"), "w") as f:
        f.write("-- Generated by bench/generate_schema.py: the drifts of drifts.json.\n")
        f.write("\\set ON_ERROR_STOP on\nBEGIN;\n" + "".join(s + ";\n" for s in sql) + "COMMIT;\n")
    with open(os.path.join(args.out, "drifts.json"), "w") as f:
        json.dump(drifts, f, indent=1)


if __name__ == "__main__":
    main()
