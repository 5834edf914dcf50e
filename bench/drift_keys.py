"""One identity for a drift, whoever reports it: [category, table, name].

schema-operator's `plan -o json` drift items and Alembic's compare_metadata diff tuples are mapped
to the same identities as the drifts bench/generate_schema.py injects (drifts.json `expect`), so
recall and invented drift are counted by script.
"""

SCHEMA_OPERATOR = {
    "CreateTable": "table_missing", "DropTable": "table_extra",
    "AddColumn": "column_missing", "DropColumn": "column_extra",
    "ChangeType": "type", "WidenType": "type",
    "SetNotNull": "nullable", "DropNotNull": "nullable",
    "SetDefault": "default", "DropDefault": "default",
    "AddIdentity": "identity", "DropIdentity": "identity",
    "SetComment": "comment",
    "CreateIndex": "index_missing", "DropIndex": "index_extra",
    "AddUnique": "unique_missing", "DropUnique": "unique_extra",
    "AddCheck": "check_missing", "DropCheck": "check_extra",
    "AddForeignKey": "fk_missing", "DropForeignKey": "fk_extra",
    "AddPrimaryKey": "pk_missing", "DropPrimaryKey": "pk_extra",
    "AddEnumValue": "enum_value_missing", "DropEnumValue": "enum_value_extra",
    "CreateEnum": "enum_missing", "DropEnum": "enum_extra",
    "CreateExtension": "extension_missing", "InsertSeedRow": "seed_missing",
    "RenameTable": "rename", "RenameColumn": "rename",
}

# Objects named by the table alone ("orders"), and enum changes named "enum.value" or "enum".
TABLE_LEVEL = {"CreateTable", "DropTable", "RenameTable", "CreateEnum", "DropEnum", "CreateExtension"}


def schema_operator_keys(report):
    """Drift items of one `plan -o json` line."""
    keys = []
    for item in report.get("drift", {}).get("items", []):
        change, obj = item["change"], item["object"]
        category = SCHEMA_OPERATOR.get(change, "other:" + change)
        if change in TABLE_LEVEL or "." not in obj:
            keys.append([category, obj, ""])
        else:
            table, name = obj.split(".", 1)
            keys.append([category, table, name])
    return keys


def alembic_keys(diffs):
    """compare_metadata's diff list (tuples, and lists of column modifications)."""
    from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Identity, PrimaryKeyConstraint, UniqueConstraint

    keys = []
    modify = {"modify_type": "type", "modify_nullable": "nullable", "modify_default": "default",
              "modify_comment": "comment"}
    for entry in diffs:
        for d in (entry if isinstance(entry, list) else [entry]):
            op = d[0]
            if op == "add_table":
                keys.append(["table_missing", d[1].name, ""])
            elif op == "remove_table":
                keys.append(["table_extra", d[1].name, ""])
            elif op == "add_column":
                keys.append(["column_missing", d[2], d[3].name])
            elif op == "remove_column":
                keys.append(["column_extra", d[2], d[3].name])
            elif op in modify:
                category = modify[op]
                if op == "modify_default" and (isinstance(d[5], Identity) or isinstance(d[6], Identity)):
                    category = "identity"
                keys.append([category, d[2], d[3]])
            elif op in ("add_index", "remove_index"):
                keys.append(["index_" + ("missing" if op == "add_index" else "extra"), d[1].table.name, d[1].name])
            elif op in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
                c = d[1]
                what = ("unique" if isinstance(c, UniqueConstraint) else "fk" if isinstance(c, ForeignKeyConstraint)
                        else "check" if isinstance(c, CheckConstraint) else "pk" if isinstance(c, PrimaryKeyConstraint)
                        else "constraint")
                keys.append([f"{what}_" + ("missing" if op.startswith("add") else "extra"), c.table.name, c.name or ""])
            elif op in ("add_table_comment", "remove_table_comment"):
                keys.append(["comment", d[1].name, ""])
            else:
                keys.append(["other:" + op, "", repr(d[1:])[:80]])
    return keys


def score(drifts, keys):
    """Per drift kind: injected and found (every expected item reported); and the reported items
    no injected drift explains. Items on a table the drift dropped are explained by that drop."""
    reported = {tuple(k) for k in keys}
    explained, dropped = set(), set()
    kinds = {}
    for d in drifts:
        expect = [tuple(e) for e in d["expect"]]
        injected, found = kinds.get(d["kind"], (0, 0))
        kinds[d["kind"]] = (injected + 1, found + (1 if all(e in reported for e in expect) else 0))
        explained.update(expect)
        if d["kind"] == "missing_table":
            dropped.add(d["table"])
    invented = sorted(k for k in reported if k not in explained and k[1] not in dropped)
    found = sum(f for _, f in kinds.values())
    return {"kinds": kinds, "injected": len(drifts), "found": found, "invented": invented}
