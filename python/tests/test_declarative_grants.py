"""Grants of sqlalchemy-declarative-extensions: object grants become the objects' `grants` lists,
default grants `spec.defaultPrivileges`, each list everything the package leaves on its object
(round-tripped through the binary, ACLs compared); what the resource cannot carry is an error
naming the grant."""
from __future__ import annotations

import pytest
from sqlalchemy import Column, Identity, Integer, MetaData, String, Table, create_engine, text
from sqlalchemy.dialects import postgresql
from sqlalchemy_declarative_extensions import Function, declare_database, register_sqlalchemy_events
from sqlalchemy_declarative_extensions.dialects.postgresql import (DefaultGrant, Grant, GrantTypes, Procedure)
from sqlalchemy_declarative_extensions.dialects.postgresql import MaterializedOptions
from sqlalchemy_declarative_extensions.dialects.postgresql import View as PgView
from sqlalchemy_declarative_extensions.grant import Grants

from schema_operator_sqlalchemy import UnsupportedModelError, export_resource
from test_declarative_extensions import planned_in_sync_then_read

ROLES = ("so_app", "so_reader", "so_migrator")

# Every privilege each role holds on the schema's relations and routines, on the schema, and by
# default: what PostgreSQL enforces, a NULL ACL read as the default it stands for.
ACL_QUERY_OF = """
    WITH acl AS (
        SELECT 'class' AS kind, c.relname AS name, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) AS a
        FROM pg_class c WHERE c.relnamespace = '{schema}'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'S')
        UNION ALL
        SELECT 'proc', p.proname, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner)))
        FROM pg_proc p WHERE p.pronamespace = '{schema}'::regnamespace
        UNION ALL
        SELECT 'schema', n.nspname, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner)))
        FROM pg_namespace n WHERE n.nspname = '{schema}'
        UNION ALL
        SELECT 'default:' || pg_get_userbyid(d.defaclrole) || ':' || d.defaclobjtype::text, '', aclexplode(d.defaclacl)
        FROM pg_default_acl d WHERE d.defaclnamespace = '{schema}'::regnamespace)
    SELECT kind, name, CASE WHEN (a).grantee = 0 THEN 'public' ELSE pg_get_userbyid((a).grantee) END,
           (a).privilege_type, (a).is_grantable
    FROM acl ORDER BY 1, 2, 3, 4"""
ACL_QUERY = ACL_QUERY_OF.format(schema="public")


def create_roles(pg) -> None:
    """The roles the grants name: cluster-wide, so made once and kept (idempotent)."""
    with pg.admin() as conn:
        for role in ROLES:
            conn.execute(f"DO $$ BEGIN CREATE ROLE {role}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")


def shop_metadata() -> MetaData:
    """A serial table (its sequence in spec.sequences), an identity table, a view, a materialized
    view and a function."""
    md = MetaData()
    Table("orders", md, Column("id", Integer, primary_key=True), Column("item", String(40)))
    Table("notes", md, Column("id", Integer, Identity(), primary_key=True), Column("body", String(200)))
    declare_database(md, views=[
        PgView("recent_orders", "SELECT id, item FROM orders WHERE id > 10"),
        PgView("order_count", "SELECT count(*) AS n FROM orders", materialized=MaterializedOptions()),
    ], functions=[Function("order_total", "SELECT count(*)::int FROM orders", returns="integer")])
    return md


def create_views_by_hand(md: MetaData, conn) -> None:
    # The package's view hook wants the optional sqlglot; each view by its own CREATE statements.
    for view in md.info["views"]:
        for statement in PgView.coerce_from_unknown(view).to_sql_create(postgresql.dialect()):
            conn.execute(text(statement))


def grants_of(resource: dict, kind: str, name: str):
    return next(o for o in resource["spec"][kind] if o["name"] == name).get("grants")


# The package warns about `materialized` on every View it makes with it, its own variant included.
@pytest.mark.filterwarnings("ignore:`materialized` and `constraints` have been relocated:DeprecationWarning")
def test_default_grants_become_default_privileges_and_the_grants_they_imply(pg, binary):
    create_roles(pg)
    md = shop_metadata()
    md.info["grants"] = Grants().are(
        DefaultGrant.on_tables_in_schema("public").grant("select", "insert", to="so_app"),
        DefaultGrant.on_tables_in_schema("public", for_role="so_migrator").grant("select", to="so_reader"),
        DefaultGrant.on_sequences_in_schema("public").grant("usage", to="so_app"),
        DefaultGrant.on_functions_in_schema("public").grant("execute", to="so_app"),
        DefaultGrant.on_types_in_schema("public").grant("usage", to="public"),
    )
    resource = export_resource(md, name="shop", mode="Apply")
    spec = resource["spec"]
    assert spec["defaultPrivileges"] == [
        {"objects": "tables", "role": "so_app", "privileges": ["INSERT", "SELECT"]},
        {"forRole": "so_migrator", "objects": "tables", "role": "so_reader", "privileges": ["SELECT"]},
        {"objects": "sequences", "role": "so_app", "privileges": ["USAGE"]},
        {"objects": "functions", "role": "so_app", "privileges": ["EXECUTE"]},
        {"objects": "types", "role": "public", "privileges": ["USAGE"]},
    ]
    # The hook grants them on the tables, plain views and sequences there, for_role or not.
    table_grants = [{"role": "so_app", "privileges": ["INSERT", "SELECT"]},
                    {"role": "so_reader", "privileges": ["SELECT"]}]
    assert grants_of(resource, "tables", "orders") == grants_of(resource, "views", "recent_orders") == table_grants
    assert grants_of(resource, "sequences", "orders_id_seq") == [{"role": "so_app", "privileges": ["USAGE"]}]
    # Never on functions and materialized views: those keep what PostgreSQL gives them.
    assert grants_of(resource, "views", "order_count") is None
    assert grants_of(resource, "functions", "order_total") is None

    # Database A as the package leaves it: create_all with its hooks (the grants' before it
    # creates, so PostgreSQL gives the new objects the defaults), the views, then the grant hook
    # again with everything there (a second create_all), which grants the implied ones.
    db_a, db_b = pg.create_database("grants_a"), pg.create_database("grants_b")
    register_sqlalchemy_events(md, grants=True, functions=True)
    engine = create_engine(pg.url(db_a))
    try:
        md.create_all(engine)
        with engine.begin() as conn:
            create_views_by_hand(md, conn)
        md.create_all(engine)
    finally:
        engine.dispose()
    acls = planned_in_sync_then_read(pg, binary, resource, db_a, db_b, ACL_QUERY)
    assert acls[0] == acls[1]
    held = {(kind, name, role) for kind, name, role, _, _ in acls[0]}
    assert {("class", "orders", "so_reader"), ("class", "order_count", "so_app"), ("proc", "order_total", "so_app"),
            ("class", "notes_id_seq", "so_app"), ("default:so_migrator:r", "", "so_reader")} <= held


@pytest.mark.filterwarnings("ignore:`materialized` and `constraints` have been relocated:DeprecationWarning")
def test_object_grants_become_the_objects_exact_lists(pg, binary):
    create_roles(pg)
    md = shop_metadata()
    md.info["grants"] = Grants().are(
        Grant.new("select", "insert", "update", to="so_app").on_tables("orders", "recent_orders", "order_count"),
        Grant.new("select", to="public").on_tables("notes"),
        Grant.new("usage", "select", to="so_app").on_sequences("orders_id_seq"),
        Grant.new("execute", to="so_reader").on_objects("order_total", object_type=GrantTypes.function),
    )
    resource = export_resource(md, name="shop", mode="Apply")
    assert "defaultPrivileges" not in resource["spec"]
    assert grants_of(resource, "tables", "orders") == grants_of(resource, "views", "order_count") == [
        {"role": "so_app", "privileges": ["INSERT", "SELECT", "UPDATE"]}]
    assert grants_of(resource, "tables", "notes") == [{"role": "public", "privileges": ["SELECT"]}]
    assert grants_of(resource, "sequences", "orders_id_seq") == [{"role": "so_app", "privileges": ["SELECT", "USAGE"]}]
    # The package never revokes PUBLIC's EXECUTE, which an exact list without it would.
    assert grants_of(resource, "functions", "order_total") == [
        {"role": "public", "privileges": ["EXECUTE"]}, {"role": "so_reader", "privileges": ["EXECUTE"]}]

    # Database A: the objects first (create_all fails on a GRANT ON TABLE of a table it has not
    # made yet: the grant hook runs before it creates), then create_all again with the grant hook.
    db_a, db_b = pg.create_database("objgrants_a"), pg.create_database("objgrants_b")
    register_sqlalchemy_events(md, functions=True)
    engine = create_engine(pg.url(db_a))
    try:
        md.create_all(engine)
        with engine.begin() as conn:
            create_views_by_hand(md, conn)
        register_sqlalchemy_events(md, grants=True)
        md.create_all(engine)
    finally:
        engine.dispose()
    acls = planned_in_sync_then_read(pg, binary, resource, db_a, db_b, ACL_QUERY)
    assert acls[0] == acls[1]
    assert ("class", "notes", "public", "SELECT", False) in acls[0]


def test_a_grant_on_the_exported_schema_becomes_spec_grants(pg, binary):
    create_roles(pg)
    md = MetaData(schema="app")
    Table("orders", md, Column("id", Integer, primary_key=True, autoincrement=False))
    md.info["grants"] = Grants().are(Grant.new("usage", "create", to="so_app").on_schemas("app"))
    resource = export_resource(md, name="shop", mode="Apply")
    assert resource["spec"]["grants"] == [{"role": "so_app", "privileges": ["CREATE", "USAGE"]}]

    # The schema exists in both: a DatabaseSchema never creates it.
    db_a, db_b = pg.create_database("schemagrants_a"), pg.create_database("schemagrants_b")
    for db in (db_a, db_b):
        with pg.connect(db) as conn:
            conn.execute("CREATE SCHEMA app")
    register_sqlalchemy_events(md, grants=True)
    engine = create_engine(pg.url(db_a))
    try:
        md.create_all(engine)
    finally:
        engine.dispose()
    acls = planned_in_sync_then_read(pg, binary, resource, db_a, db_b, ACL_QUERY_OF.format(schema="app"))
    assert acls[0] == acls[1]
    assert ("schema", "app", "so_app", "USAGE", False) in acls[0]


def two_functions_metadata() -> MetaData:
    """Two functions named order_total (overloads) and a procedure."""
    md = MetaData()
    Table("orders", md, Column("id", Integer, primary_key=True), Column("item", String(40)))
    Table("notes", md, Column("id", Integer, Identity(), primary_key=True))
    declare_database(md, functions=[
        Function("order_total", "SELECT count(*)::int FROM orders", returns="integer"),
        Function("order_total", "SELECT $1", returns="integer", parameters=["n integer"]),
    ], procedures=[Procedure("purge", "DELETE FROM orders")])
    return md


@pytest.mark.parametrize("grant, message", [
    (Grant.new("select", to="so_app", grant_option=True).on_tables("orders"),
     "grant SELECT on table orders to so_app (sqlalchemy-declarative-extensions): WITH GRANT OPTION has no field"),
    (Grant.new("select", to="so_app").on_tables("orders").invert(),
     "grant SELECT on table orders to so_app (sqlalchemy-declarative-extensions): a revoke has no field"),
    (Grant.new("select", to="PUBLIC").on_tables("orders"),
     'grant SELECT on table orders to PUBLIC (sqlalchemy-declarative-extensions): the package writes TO "PUBLIC"'),
    (Grant.new("select", to="so_app").on_tables("audit.orders"),
     "grant SELECT on table audit.orders to so_app (sqlalchemy-declarative-extensions): it is in schema 'audit'"),
    (Grant.new("select", to="so_app").on_tables("customers"),
     "grant SELECT on table customers to so_app (sqlalchemy-declarative-extensions): 'customers' is not a table or"),
    (Grant.new("usage", to="so_app").on_sequences("notes_id_seq"),
     "grant USAGE on sequence notes_id_seq to so_app (sqlalchemy-declarative-extensions): 'notes_id_seq' is not a"),
    (Grant.new("usage", to="so_app").on_schemas("public"),
     "grant USAGE on schema public to so_app (sqlalchemy-declarative-extensions): spec.grants is exact"),
    (Grant.new("usage", to="so_app").on_objects("mood", object_type=GrantTypes.type),
     "grant USAGE on type mood to so_app (sqlalchemy-declarative-extensions): grants on a type have no field"),
    (Grant.new("execute", to="so_app").on_objects("order_total", object_type=GrantTypes.function),
     "grant EXECUTE on function order_total to so_app (sqlalchemy-declarative-extensions): 'order_total' is not "
     "one function of this export (2 declared"),
    (Grant.new("execute", to="so_app").on_objects("purge", object_type=GrantTypes.function),
     "grant EXECUTE on function purge to so_app (sqlalchemy-declarative-extensions): 'purge' is a procedure"),
    (DefaultGrant.on_tables_in_schema("public", "audit").grant("select", to="so_app"),
     "grant SELECT on tables in schema audit, public (default) to so_app (sqlalchemy-declarative-extensions): "
     "it is in schema 'audit'"),
])
def test_what_the_resource_cannot_carry_is_refused_naming_the_grant(grant, message):
    md = two_functions_metadata()
    md.info["grants"] = Grants().are(grant)
    with pytest.raises(UnsupportedModelError) as e:
        export_resource(md, name="shop")
    assert str(e.value).startswith(message)


@pytest.mark.filterwarnings("ignore:`materialized` and `constraints` have been relocated:DeprecationWarning")
def test_grants_that_revoke_across_the_database_are_refused():
    md = shop_metadata()
    md.info["grants"] = Grants(only_defined_roles=False).are(Grant.new("select", to="so_app").on_tables("orders"))
    with pytest.raises(UnsupportedModelError) as e:
        export_resource(md, name="shop")
    assert str(e.value).startswith("grants (sqlalchemy-declarative-extensions): only_defined_roles=False without")
    # ignore_unspecified=True only adds, as the default does: exported.
    md.info["grants"] = Grants(only_defined_roles=False, ignore_unspecified=True).are(
        Grant.new("select", to="so_app").on_tables("orders"))
    assert grants_of(export_resource(md, name="shop"), "tables", "orders") == [
        {"role": "so_app", "privileges": ["SELECT"]}]


def test_all_is_not_a_privilege_the_package_takes():
    # Nothing for the export to expand: the package refuses the word itself.
    with pytest.raises(ValueError):
        Grant.new("all", to="so_app").on_tables("orders")
