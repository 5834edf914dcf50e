#!/usr/bin/env python3
"""Deterministic generator of realistic DatabaseSchema documents for benchmarks.

    generate_schema.py --tables 1000 [--seed 7] [--name bench] > schema.yaml

The same arguments always give the same document. Tables mix the column types real services use
(bigint identity keys, text, varchar(n), numeric(p,s), booleans, timestamptz defaults, jsonb, uuid,
enums), NOT NULLs, unique constraints, foreign keys (including cycles), checks, and partial and
multi-column indexes. Written without a YAML library: the output is plain block YAML.
"""
import argparse
import json
import random

ENUMS = {
    "order_status": ["pending", "paid", "shipped", "cancelled"],
    "account_kind": ["personal", "business"],
    "priority": ["low", "normal", "high"],
}


def q(text):
    """A YAML scalar that always reads back as the same string (JSON strings are YAML)."""
    return json.dumps(text)


def table(i, n, rng):
    name = f"t{i:05d}"
    cols = [{"name": "id", "type": "bigint", "identity": "always"}]
    cols.append({"name": "name", "type": f"varchar({rng.choice([40, 80, 200])})", "nullable": False})
    cols.append({"name": "created_at", "type": "timestamptz", "nullable": False, "default": "now()"})
    extra = rng.randint(3, 9)
    for k in range(extra):
        kind = rng.choice(["text", "numeric", "bool", "jsonb", "uuid", "enum", "int", "ts"])
        c = {"name": f"c{k}_{kind}"}
        if kind == "text":
            c["type"] = "text"
        elif kind == "numeric":
            c["type"] = f"numeric({rng.choice([10, 12, 18])},{rng.choice([0, 2, 4])})"
            c["nullable"] = False
            c["default"] = "0"
        elif kind == "bool":
            c["type"] = "boolean"
            c["nullable"] = False
            c["default"] = "false"
        elif kind == "jsonb":
            c["type"] = "jsonb"
            c["default"] = "'{}'::jsonb"
        elif kind == "uuid":
            c["type"] = "uuid"
        elif kind == "enum":
            e = rng.choice(sorted(ENUMS))
            c["type"] = e
            c["nullable"] = False
            c["default"] = q(f"'{ENUMS[e][0]}'")[1:-1]
        elif kind == "int":
            c["type"] = "integer"
        else:
            c["type"] = "timestamptz"
        cols.append(c)
    t = {"name": name, "columns": cols, "primaryKey": ["id"]}
    # A foreign key to an earlier table; every 50th table points forward, closing a cycle.
    fks = []
    if i > 0:
        # Table 50k points back at table 50k-1, which points forward at it: a cycle.
        target = i - 1 if i % 50 == 0 else rng.randrange(0, i)
        fks.append((f"{name}_parent_fk", "parent_id", f"t{target:05d}", rng.choice(["cascade", "set null", "no action"])))
    if i % 50 == 49 and n > i + 1:
        fks.append((f"{name}_next_fk", "next_id", f"t{i + 1:05d}", "no action"))
    for fk_name, col, target, action in fks:
        cols.append({"name": col, "type": "bigint"})
    t["foreignKeys"] = [
        {"name": fk_name, "columns": [col], "references": {"table": target, "columns": ["id"]}, "onDelete": action}
        for fk_name, col, target, action in fks
    ]
    if rng.random() < 0.5:
        t["unique"] = [{"name": f"{name}_name_key", "columns": ["name"]}]
    numerics = [c["name"] for c in cols if c.get("type", "").startswith("numeric")]
    if numerics:
        t["checks"] = [{"name": f"{name}_{numerics[0]}_check", "expression": f"{numerics[0]} >= 0"}]
    indexes = [{"name": f"{name}_created_idx", "columns": ["created_at", "name"]}]
    if fks:
        indexes.append({"name": f"{name}_parent_idx", "columns": ["parent_id"], "where": "parent_id IS NOT NULL"})
    t["indexes"] = indexes
    return t


def emit_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(emit_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {emit_value(x)}" for k, x in v.items()) + "}"
    return q(str(v))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--name", default="bench")
    ap.add_argument("--schema", default="public")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = [
        "apiVersion: dbschema.io/v1alpha1",
        "kind: DatabaseSchema",
        "metadata:",
        f"  name: {args.name}",
        "spec:",
        f"  schema: {q(args.schema)}",
        "  enums:",
    ]
    for e, values in ENUMS.items():
        out.append(f"    - {{name: {e}, values: {emit_value(values)}}}")
    out.append("  tables:")
    for i in range(args.tables):
        t = table(i, args.tables, rng)
        out.append(f"    - name: {t['name']}")
        out.append("      columns:")
        for c in t["columns"]:
            out.append(f"        - {emit_value(c)}")
        for key in ("primaryKey", "unique", "foreignKeys", "checks", "indexes"):
            if t.get(key):
                out.append(f"      {key}:")
                if key == "primaryKey":
                    out[-1] += " " + emit_value(t[key])
                else:
                    for item in t[key]:
                        out.append(f"        - {emit_value(item)}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
