"""Objects of sqlalchemy-declarative-extensions: rows become seed rows, views spec.views, functions
and procedures spec.functions, triggers spec.tables[].triggers (each round-tripped through the binary); every kind the operator does
not manage, and what spec.functions cannot carry, is an error naming the object."""
from __future__ import annotations

import os
import subprocess

import pytest
import yaml
from sqlalchemy import Column, Identity, Integer, MetaData, String, Table, create_engine, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy_declarative_extensions import (Function, Row, View, declare_database,
                                               register_sqlalchemy_events)
from sqlalchemy_declarative_extensions.dialects.postgresql import (FunctionParallel, FunctionParam,
                                                                   FunctionReturn, FunctionSecurity,
                                                                   FunctionVolatility, Procedure,
                                                                   ProcedureSecurity, Role, Trigger)
from sqlalchemy_declarative_extensions.dialects.postgresql import Function as PgFunction
from sqlalchemy_declarative_extensions.dialects.postgresql import MaterializedOptions
from sqlalchemy_declarative_extensions.dialects.postgresql import View as PgView

from pg_server import PASSWORD
from schema_operator_sqlalchemy import UnsupportedModelError, export_resource, to_yaml


def statuses_metadata() -> MetaData:
    md = MetaData()
    Table("statuses", md, Column("id", Integer, primary_key=True, autoincrement=False),
          Column("label", String(20), nullable=False), Column("rank", Integer, server_default="0"))
    Table("tickets", md, Column("id", Integer, Identity(), primary_key=True), Column("title", String(100)))
    return md


def apply_to_b_then_plan_both(pg, binary, resource, db_a, db_b):
    """The promise: the export applied to empty database B, then planned in sync against A (made by
    the package) and against B."""
    document = to_yaml(resource)
    env = dict(os.environ)
    for db, command in ((db_b, "apply"), (db_a, "plan"), (db_b, "plan")):
        env["DATABASE_URL"] = f"postgresql://postgres:{PASSWORD}@127.0.0.1:{pg.port}/{db}?sslmode=disable"
        proc = subprocess.run([binary, command, "-f", "-", "-o", "json"], input=document, env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 0, (command, db, proc.stdout, proc.stderr)


def made_by_the_package_and_by_apply(pg, binary, md, resource, name, query, **events):
    """Database A made as the package makes it (`create_all` with its own hooks: `events`), B by
    `apply` of the export, both planned in sync (apply_to_b_then_plan_both); the rows `query` gives
    in A and in B."""
    db_a, db_b = pg.create_database(f"{name}_a"), pg.create_database(f"{name}_b")
    register_sqlalchemy_events(md, **events)
    engine = create_engine(pg.url(db_a))
    try:
        md.create_all(engine)
    finally:
        engine.dispose()
    return planned_in_sync_then_read(pg, binary, resource, db_a, db_b, query)


def planned_in_sync_then_read(pg, binary, resource, db_a, db_b, query):
    """apply_to_b_then_plan_both, then the rows `query` gives in A and in B."""
    apply_to_b_then_plan_both(pg, binary, resource, db_a, db_b)
    catalogs = []
    for db in (db_a, db_b):
        with pg.connect(db) as conn:
            catalogs.append(conn.execute(query).fetchall())
    return catalogs


def test_rows_are_exported_as_seed_rows_and_inserted_by_apply(pg, binary):
    md = statuses_metadata()
    # Rows with the same columns: create_all inserts them in one batch, which would give a row that
    # leaves `rank` out an explicit NULL instead of the default.
    declare_database(md, rows=[Row("statuses", id=1, label="open", rank=1),
                               Row("statuses", id=2, label="it's closed", rank=9)])
    resource = export_resource(md, name="tickets", mode="Apply")
    assert resource["spec"]["seed"] == [{"table": "statuses", "rows": [
        {"id": 1, "label": "open", "rank": 1}, {"id": 2, "label": "it's closed", "rank": 9}]}]

    # create_all inserts the rows too.
    rows = made_by_the_package_and_by_apply(pg, binary, md, resource, "rows",
                                            "SELECT id, label, rank FROM statuses ORDER BY id", rows=True)
    assert rows[0] == rows[1] == [(1, "open", 1), (2, "it's closed", 9)]


# The package warns about `materialized` on every View it makes with it, its own variant included.
@pytest.mark.filterwarnings("ignore:`materialized` and `constraints` have been relocated:DeprecationWarning")
def test_views_are_exported_and_rebuilt_as_the_package_made_them(pg, binary):
    md = statuses_metadata()
    tickets = md.tables["tickets"]
    declare_database(md, views=[
        View("open_tickets", "SELECT id, title FROM tickets WHERE title IS NOT NULL"),
        View("long_titles", select(tickets.c.id).where(tickets.c.id > 5)),
        PgView("ticket_counts", "SELECT count(*) AS n FROM tickets", materialized=MaterializedOptions()),
    ])
    resource = export_resource(md, name="tickets", mode="Apply")
    assert [(v["name"], v.get("materialized", False)) for v in resource["spec"]["views"]] == [
        ("open_tickets", False), ("long_titles", False), ("ticket_counts", True)]

    # Database A as the package makes it: the tables by create_all, each view by its own CREATE
    # statement (its create_all hook wants the optional sqlglot to compare definitions).
    db_a, db_b = pg.create_database("views_a"), pg.create_database("views_b")
    engine = create_engine(pg.url(db_a))
    try:
        md.create_all(engine)
        with engine.begin() as conn:
            for view in md.info["views"]:
                for statement in PgView.coerce_from_unknown(view).to_sql_create(postgresql.dialect()):
                    conn.execute(text(statement))
    finally:
        engine.dispose()

    apply_to_b_then_plan_both(pg, binary, resource, db_a, db_b)
    definitions = []
    for db in (db_a, db_b):
        with pg.connect(db) as conn:
            definitions.append(conn.execute(
                "SELECT c.relname, c.relkind, pg_get_viewdef(c.oid, true) FROM pg_class c"
                " WHERE c.relkind IN ('v', 'm') AND c.relnamespace = 'public'::regnamespace ORDER BY 1").fetchall())
    assert definitions[0] == definitions[1]
    assert [d[0] for d in definitions[0]] == ["long_titles", "open_tickets", "ticket_counts"]


def test_a_view_in_another_schema_is_refused():
    md = statuses_metadata()
    declare_database(md, views=[View("open_tickets", "SELECT 1", schema="audit")])
    with pytest.raises(UnsupportedModelError) as e:
        export_resource(md, name="tickets")
    assert str(e.value) == "view audit.open_tickets (sqlalchemy-declarative-extensions): it is in schema 'audit'; this export is of 'public'"


def test_a_row_for_a_table_outside_the_export_is_refused():
    md = statuses_metadata()
    declare_database(md, rows=[Row("audit.events", id=1)])
    with pytest.raises(UnsupportedModelError) as e:
        export_resource(md, name="tickets")
    assert str(e.value) == "row of events (sqlalchemy-declarative-extensions): it is in schema 'audit'; this export is of 'public'"


# Each function's catalog row as PostgreSQL prints it: what `plan` compares, and more (the body
# byte for byte, the language, the settings).
FUNCTIONS_QUERY = """
    SELECT p.proname, p.prokind::text, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
           l.lanname, p.prosrc, p.provolatile::text, p.proisstrict, p.prosecdef, p.proparallel::text,
           p.proleakproof, p.proconfig, obj_description(p.oid, 'pg_proc')
    FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
    WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1, 3"""


def routines_metadata() -> MetaData:
    """The tables, a plpgsql trigger function (its body indented, as written in a module), SQL
    functions with arguments, defaults, options and a table result, and procedures."""
    md = statuses_metadata()
    declare_database(md, functions=[
        Function("touch_tickets", """
            BEGIN
              NEW.title := coalesce(NEW.title, 'untitled');
              RETURN NEW;
            END;
            """, returns="trigger", language="plpgsql"),
        PgFunction("add_cents", "SELECT a + b", returns="bigint",
                   parameters=["a bigint", FunctionParam("b", "bigint", default=0)],
                   volatility=FunctionVolatility.immutable, strict=True, parallel=FunctionParallel.safe),
        PgFunction("open_ticket_count", "SELECT count(*) FROM tickets WHERE title IS NOT NULL", returns="bigint",
                   volatility=FunctionVolatility.stable, security=FunctionSecurity.definer),
        PgFunction("ranked_statuses", "SELECT id, label FROM statuses WHERE rank >= min_rank ORDER BY rank",
                   parameters=[FunctionParam("min_rank", "integer")],
                   returns=FunctionReturn(table=[("id", "integer"), ("label", "varchar")])),
    ], procedures=[
        Procedure("forget_untitled", "BEGIN DELETE FROM tickets WHERE title IS NULL; END", language="plpgsql"),
        Procedure("reset_ranks", "UPDATE statuses SET rank = 0", security=ProcedureSecurity.definer),
    ])
    return md


def test_functions_and_procedures_are_exported_and_made_as_the_package_makes_them(pg, binary):
    md = routines_metadata()
    resource = export_resource(md, name="tickets", mode="Apply")
    functions = {f["name"]: f for f in resource["spec"]["functions"]}
    assert list(functions) == ["touch_tickets", "add_cents", "open_ticket_count", "ranked_statuses",
                               "forget_untitled", "reset_ranks"]
    # The body as the package's CREATE carries it between its $$: dedented, its lines kept.
    assert functions["touch_tickets"] == {
        "name": "touch_tickets", "returns": "trigger", "language": "plpgsql",
        "body": "\nBEGIN\n  NEW.title := coalesce(NEW.title, 'untitled');\n  RETURN NEW;\nEND;\n"}
    assert functions["add_cents"] == {
        "name": "add_cents", "arguments": "a int8, b int8 DEFAULT 0", "returns": "int8", "language": "sql",
        "body": "SELECT a + b", "volatility": "immutable", "strict": True, "parallel": "safe"}
    assert functions["open_ticket_count"]["securityDefiner"] is True
    assert functions["ranked_statuses"]["returns"] == "TABLE(id int4, label varchar)"
    assert functions["reset_ranks"] == {"name": "reset_ranks", "kind": "procedure", "language": "sql",
                                        "body": "UPDATE statuses SET rank = 0", "securityDefiner": True}
    # The YAML keeps the multi-line body a literal block: what apply reads is the same text.
    assert "    body: |" in to_yaml(resource)
    assert yaml.safe_load(to_yaml(resource))["spec"]["functions"] == resource["spec"]["functions"]

    # Database A as the package makes it: create_all with its own hooks creating the routines.
    catalogs = made_by_the_package_and_by_apply(pg, binary, md, resource, "functions", FUNCTIONS_QUERY,
                                                functions=True, procedures=True)
    assert catalogs[0] == catalogs[1]
    assert [(row[0], row[1]) for row in catalogs[0]] == [
        ("add_cents", "f"), ("forget_untitled", "p"), ("open_ticket_count", "f"), ("ranked_statuses", "f"),
        ("reset_ranks", "p"), ("touch_tickets", "f")]


@pytest.mark.parametrize("declared, message", [
    ({"functions": [Function("touch", "BEGIN RETURN NEW; END", returns="trigger", language="plpgsql",
                             schema="audit")]},
     "function audit.touch (sqlalchemy-declarative-extensions): it is in schema 'audit'; this export is of 'public'"),
    ({"procedures": [Procedure("audit.purge", "DELETE FROM tickets")]},
     "procedure audit.purge (sqlalchemy-declarative-extensions): it is in schema 'audit'; this export is of 'public'"),
    ({"functions": [PgFunction("same", "SELECT a", returns="int", parameters=["a int"], leakproof=True)]},
     "function same (sqlalchemy-declarative-extensions): leakproof=True has no field in spec.functions"),
    ({"functions": [PgFunction("plus", "RETURN a + 1", returns="int", parameters=["a int"])]},
     "function plus (sqlalchemy-declarative-extensions): a SQL-standard body (RETURN ... or BEGIN ATOMIC) "
     "cannot be declared in spec.functions: write it as a query, e.g. \"SELECT a + b\""),
    ({"functions": [PgFunction("split", "SELECT 1, 2", returns="record",
                               parameters=[FunctionParam.output("x", "int"), FunctionParam.output("y", "int")])]},
     "function split (sqlalchemy-declarative-extensions), parameter x: create_all leaves OUT parameters out: "
     "declare the result in returns="),
    ({"functions": [PgFunction("nothing", "SELECT")]},
     "function nothing (sqlalchemy-declarative-extensions): it declares no result type: set returns= "
     "(\"void\" for none)"),
])
def test_what_spec_functions_cannot_carry_is_refused_by_name(declared, message):
    md = statuses_metadata()
    declare_database(md, **declared)
    with pytest.raises(UnsupportedModelError) as e:
        export_resource(md, name="tickets")
    assert str(e.value) == message


def test_a_function_the_package_cannot_create_is_refused_with_its_reason():
    # A TABLE(...) result given as text: the package's normalize() (so its create_all) raises.
    md = statuses_metadata()
    declare_database(md, functions=[PgFunction("pairs", "SELECT 1, 2", returns="TABLE(a int, b int)")])
    with pytest.raises(UnsupportedModelError) as e:
        export_resource(md, name="tickets")
    assert str(e.value).startswith("function pairs (sqlalchemy-declarative-extensions): "
                                   "sqlalchemy-declarative-extensions cannot create it: TABLE return types")


@pytest.mark.parametrize("declared, named", [
    ({"roles": [Role("reporting")]}, "role reporting (sqlalchemy-declarative-extensions): roles are cluster-wide"),
    ({"schemas": ["audit"]}, "schema audit (sqlalchemy-declarative-extensions): a DatabaseSchema owns one existing schema"),
])
def test_kinds_the_operator_does_not_manage_are_refused_by_name(declared, named):
    md = statuses_metadata()
    declare_database(md, **declared)
    with pytest.raises(UnsupportedModelError) as e:
        export_resource(md, name="tickets")
    assert str(e.value).startswith(named)


def test_an_empty_declaration_refuses_nothing():
    md = statuses_metadata()
    declare_database(md)  # every kind present in metadata.info, each empty
    assert "seed" not in export_resource(md, name="tickets")["spec"]
    assert yaml.safe_load(to_yaml(export_resource(md, name="tickets")))["spec"]["tables"][0]["name"] == "statuses"


# Each trigger's catalog row: timing, events and level (tgtype), the function, the arguments, the
# condition as PostgreSQL prints it, enabled.
TRIGGERS_QUERY = """
    SELECT c.relname, t.tgname, t.tgtype, p.proname, t.tgnargs, encode(t.tgargs, 'escape'), t.tgenabled::text,
           pg_get_triggerdef(t.oid, true)
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace ORDER BY 1, 2"""


def triggers_metadata() -> MetaData:
    """A row trigger with a condition, a statement trigger with arguments, and one declared in
    the table's arguments (attached to it), each calling a trigger function the package makes."""
    md = statuses_metadata()
    declare_database(md, functions=[
        Function("touch_tickets", "BEGIN NEW.title := coalesce(NEW.title, 'untitled'); RETURN NEW; END;",
                 returns="trigger", language="plpgsql"),
        Function("note_seen", "BEGIN RETURN NULL; END;", returns="trigger", language="plpgsql"),
    ], triggers=[
        Trigger.before("insert", "update", on="tickets", execute="touch_tickets", name="tickets_touch")
        .for_each_row().when("NEW.title IS NULL"),
        Trigger.after("truncate", on="statuses", execute="public.note_seen", name="statuses_truncated")
        .with_arguments("statuses", "truncate"),
    ])
    # After declare_database, which would replace the collection this one registers into.
    Table("notes", md, Column("id", Integer, primary_key=True), Column("body", String(50)),
          Trigger.after("insert", "delete", execute="note_seen", name="notes_seen").for_each_row())
    return md


def test_triggers_are_exported_under_their_tables_and_made_as_the_package_makes_them(pg, binary):
    md = triggers_metadata()
    resource = export_resource(md, name="tickets", mode="Apply")
    tables = {t["name"]: t for t in resource["spec"]["tables"]}
    assert tables["tickets"]["triggers"] == [{
        "name": "tickets_touch", "timing": "before", "events": ["insert", "update"], "forEach": "row",
        "when": "NEW.title IS NULL", "function": "touch_tickets"}]
    assert tables["statuses"]["triggers"] == [{
        "name": "statuses_truncated", "timing": "after", "events": ["truncate"], "function": "public.note_seen",
        "arguments": ["statuses", "truncate"]}]
    assert tables["notes"]["triggers"] == [{
        "name": "notes_seen", "timing": "after", "events": ["insert", "delete"], "forEach": "row",
        "function": "note_seen"}]
    assert yaml.safe_load(to_yaml(resource))["spec"]["tables"] == resource["spec"]["tables"]

    # Database A as the package makes it: create_all with its hooks making the functions, then the
    # triggers.
    catalogs = made_by_the_package_and_by_apply(pg, binary, md, resource, "triggers", TRIGGERS_QUERY,
                                                functions=True, triggers=True)
    assert catalogs[0] == catalogs[1]
    assert [(row[0], row[1]) for row in catalogs[0]] == [
        ("notes", "notes_seen"), ("statuses", "statuses_truncated"), ("tickets", "tickets_touch")]


@pytest.mark.parametrize("trigger, message", [
    (Trigger.instead_of("insert", on="open_tickets", execute="f", name="v_insert"),
     "trigger v_insert on open_tickets (sqlalchemy-declarative-extensions): a trigger on a view has no field: "
     "spec.tables[].triggers are a table's"),
    (Trigger.instead_of("insert", on="tickets", execute="f", name="t_insert"),
     "trigger t_insert on tickets (sqlalchemy-declarative-extensions): 'instead of' is a view's timing: "
     "a table's trigger is before or after"),
    (Trigger.after("insert", on="audit.events", execute="f", name="e_insert"),
     "trigger e_insert on audit.events (sqlalchemy-declarative-extensions): it is in schema 'audit'; "
     "this export is of 'public'"),
    (Trigger.after("insert", on="nowhere", execute="f", name="n_insert"),
     "trigger n_insert on nowhere (sqlalchemy-declarative-extensions): 'nowhere' is not a table of this export"),
    (Trigger.after("insert", on="tickets", execute="f", name="t_new").referencing_new_table_as("added"),
     "trigger t_new on tickets (sqlalchemy-declarative-extensions): transition tables (REFERENCING OLD/NEW "
     "TABLE) have no field in spec.tables[].triggers"),
    (Trigger.after("insert", on="tickets", execute="f", name="t_arg").with_arguments("it's"),
     "trigger t_arg on tickets (sqlalchemy-declarative-extensions): argument \"it's\": the package's CREATE "
     "cannot write it as a string literal"),
])
@pytest.mark.filterwarnings("ignore:`materialized` and `constraints` have been relocated:DeprecationWarning")
def test_what_spec_triggers_cannot_carry_is_refused_by_name(trigger, message):
    md = statuses_metadata()
    declare_database(md, views=[View("open_tickets", "SELECT id FROM tickets")], triggers=[trigger])
    with pytest.raises(UnsupportedModelError) as e:
        export_resource(md, name="tickets")
    assert str(e.value) == message


def test_triggers_the_package_is_told_to_leave_alone_are_refused():
    # The operator manages every trigger of a declared table: it would drop the ones left alone.
    from sqlalchemy_declarative_extensions import Triggers
    md = statuses_metadata()
    declare_database(md, triggers=Triggers(ignore_unspecified=True).are(
        Trigger.after("insert", on="tickets", execute="f", name="t_insert")))
    with pytest.raises(UnsupportedModelError) as e:
        export_resource(md, name="tickets")
    assert str(e.value).startswith("triggers (sqlalchemy-declarative-extensions): include=, ignore= and "
                                   "ignore_unspecified= have no field")
