"""A schema's catalog as plain data, for comparing two databases object by object.

Every fact is read as PostgreSQL prints it (format_type, pg_get_expr, pg_get_constraintdef,
pg_get_indexdef), with the schema name as the only thing that may differ in the text.

A check's printed text is not always what the same text prints as once stored again: `c IN ('a', 'b')`
on a varchar column prints as `(c)::text = ANY ((ARRAY['a'::character varying, ...])::text[])`, and
that, stored again, as `ARRAY[('a'::character varying)::text, ...]` — one expression, two texts. So a
check is compared by the text PostgreSQL settles on when it is stored from its own printing until the
printing stops changing (in a transaction that is rolled back), which tells apart exactly what the
server would evaluate differently.
"""
from __future__ import annotations

import psycopg

QUERIES = {
    "tables": """
        SELECT c.relname, c.relkind::text, c.relpersistence::text, obj_description(c.oid, 'pg_class')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(s)s AND c.relkind IN ('r', 'p') ORDER BY 1""",
    "columns": """
        SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text,
               co.collname, col_description(c.oid, a.attnum)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
        WHERE n.nspname = %(s)s AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY 1, 2""",
    "constraints": """
        SELECT c.relname, k.conname, k.contype::text, pg_get_constraintdef(k.oid), k.convalidated,
               k.condeferrable, k.condeferred
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(s)s ORDER BY 1, 2""",
    "indexes": """
        SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid), x.indisvalid, x.indisprimary
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = %(s)s ORDER BY 1, 2""",
    "enums": """
        SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = %(s)s GROUP BY 1 ORDER BY 1""",
    "sequences": """
        SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
               s.seqcache, s.seqcycle,
               (SELECT t.relname || '.' || a.attname FROM pg_depend d
                  JOIN pg_class t ON t.oid = d.refobjid
                  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(s)s ORDER BY 1""",
    "types": """
        SELECT t.typname, t.typtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        LEFT JOIN pg_class r ON r.oid = t.typrelid
        WHERE n.nspname = %(s)s AND (t.typtype IN ('e', 'd', 'r', 'm') OR (t.typtype = 'c' AND r.relkind = 'c'))
        ORDER BY 1""",
    "other_relations": """
        SELECT c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(s)s AND c.relkind NOT IN ('r', 'p', 'i', 'S') ORDER BY 1""",
}


def read_catalog(conn: psycopg.Connection, schema: str, ignore_tables: frozenset = frozenset()) -> dict:
    """{kind: [rows]} for `schema`; rows of tables in `ignore_tables` are left out."""
    out = {}
    for kind, query in QUERIES.items():
        rows = [tuple(r) for r in conn.execute(query, {"s": schema}).fetchall()]
        if kind in ("tables", "columns", "constraints", "indexes"):
            rows = [r for r in rows if r[0] not in ignore_tables]
        if kind == "constraints":
            rows = [r[:3] + (settled_check(conn, schema, r[0], r[3]),) + r[4:] if r[2] == "c" else r for r in rows]
        out[kind] = rows
    return out


def settled_check(conn: psycopg.Connection, schema: str, table: str, definition: str) -> str:
    """`definition` (pg_get_constraintdef of a check) as PostgreSQL prints it once it stops changing."""
    quoted = f'"{schema}"."{table}"'
    for _ in range(4):
        with conn.transaction(force_rollback=True):
            conn.execute(f"ALTER TABLE {quoted} ADD CONSTRAINT so_settle_probe {definition}")
            again = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                                 " WHERE conname = 'so_settle_probe' AND conrelid = %s::regclass",
                                 (quoted,)).fetchone()[0]
        if again == definition:
            return definition
        definition = again
    return definition


def differences(a: dict, b: dict) -> list[str]:
    """Human-readable differences between two catalogs (empty when they are the same)."""
    lines = []
    for kind in a:
        only_a = [r for r in a[kind] if r not in b[kind]]
        only_b = [r for r in b[kind] if r not in a[kind]]
        lines += [f"{kind}: only in A: {r}" for r in only_a]
        lines += [f"{kind}: only in B: {r}" for r in only_b]
    return lines
