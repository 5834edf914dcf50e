"""SchemaManager against a real database and the real binary: drift reported, fixed (destructive
only when allowed), Alembic first when ENABLE_AUTO_MIGRATION=true, health, and no password ever
in an exception or a log line."""
from __future__ import annotations

import asyncio
import logging
import os

import pytest
from sqlalchemy import create_engine

from conftest import TESTS
from installed_sqlalchemy import model_module, model_module_name
from pg_server import PASSWORD
from schema_operator_sqlalchemy import (CommandError, ConfigurationError, DriftItem, MigrationError, SchemaManager,
                                        SchemaReport)

ALEMBIC_INI = TESTS / "alembic_shop" / "alembic.ini"
shop = model_module("models.shop")


def manager_env(pg, database: str, binary: str, **flags: str) -> dict:
    return {"DATABASE_URL": pg.url(database), "SCHEMA_OPERATOR_BIN": binary, "PATH": os.environ.get("PATH", ""),
            **flags}


def created_shop(pg) -> str:
    db = pg.create_database("shop")
    engine = create_engine(pg.url(db))
    try:
        shop.Base.metadata.create_all(engine)
    finally:
        engine.dispose()
    return db


def columns(pg, db: str, table: str) -> list[str]:
    with pg.connect(db) as conn:
        rows = conn.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                            "AND table_name = %s ORDER BY ordinal_position", (table,)).fetchall()
    return [r[0] for r in rows]


def drift_on(pg, db: str) -> None:
    """A safe change (a declared column gone) and a destructive one (an undeclared column)."""
    with pg.connect(db) as conn:
        conn.execute("ALTER TABLE orders DROP COLUMN note")
        conn.execute("ALTER TABLE customers ADD COLUMN legacy_code text")


# Each API call both ways: the coroutine, and its synchronous twin.
def call(manager: SchemaManager, method: str, mode: str):
    if mode == "async":
        return asyncio.run(getattr(manager, method)())
    return getattr(manager, method + "_sync")()


MODES = ["async", "sync"]


@pytest.mark.parametrize("mode", MODES)
def test_validate_schema_reports_typed_drift_and_changes_nothing(pg, binary, mode):
    db = created_shop(pg)
    manager = SchemaManager(shop.Base, env=manager_env(pg, db, binary))
    assert call(manager, "validate_schema", mode).in_sync

    drift_on(pg, db)
    report = call(manager, "validate_schema", mode)
    assert isinstance(report, SchemaReport) and not report.in_sync
    assert sorted(report, key=lambda d: d.object) == [
        DriftItem(object="customers.legacy_code", change="DropColumn", destructive=True, blocked=False),
        DriftItem(object="orders.note", change="AddColumn", destructive=False, blocked=False),
    ]
    assert report.plan.destructive == 1 and report.plan.hash.startswith("sha256:")
    assert report.applied == []
    assert "note" not in columns(pg, db, "orders") and "legacy_code" in columns(pg, db, "customers")


@pytest.mark.parametrize("mode", MODES)
def test_fix_schema_applies_the_safe_part_and_leaves_the_destructive_one_pending(pg, binary, mode):
    db = created_shop(pg)
    drift_on(pg, db)
    report = call(SchemaManager(shop.Base, env=manager_env(pg, db, binary)), "fix_schema", mode)
    assert "note" in columns(pg, db, "orders")
    assert "legacy_code" in columns(pg, db, "customers")
    assert [(d.object, d.change, d.destructive) for d in report] == [("customers.legacy_code", "DropColumn", True)]
    assert any("ADD COLUMN" in s and '"note"' in s for s in report.applied)


@pytest.mark.parametrize("mode", MODES)
def test_fix_schema_drops_only_with_AUTO_SCHEMA_DESTRUCTIVE_true(pg, binary, mode):
    db = created_shop(pg)
    drift_on(pg, db)
    manager = SchemaManager(shop.Base, env=manager_env(pg, db, binary, AUTO_SCHEMA_DESTRUCTIVE="true"))
    report = call(manager, "fix_schema", mode)
    assert report.in_sync and list(report) == []
    assert "legacy_code" not in columns(pg, db, "customers") and "note" in columns(pg, db, "orders")
    assert call(manager, "validate_schema", mode).in_sync


@pytest.mark.parametrize("mode", MODES)
def test_initialize_database_runs_alembic_upgrade_head_first_when_ENABLE_AUTO_MIGRATION_is_true(pg, binary, mode):
    db = pg.create_database("init")
    manager = SchemaManager(shop.Base, alembic_config=ALEMBIC_INI,
                            env=manager_env(pg, db, binary, ENABLE_AUTO_MIGRATION="true"))
    report = call(manager, "initialize_database", mode)
    assert report.in_sync
    with pg.connect(db) as conn:
        # Alembic ran: its version table is at head and its data migration's row is there.
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert conn.execute("SELECT email FROM customers").fetchall() == [("migrated@example.com",)]
    # ...and the operator then aligned the rest of the models (the migration made customers only).
    assert columns(pg, db, "customers") == ["id", "email", "name", "created_at"]
    assert "status" in columns(pg, db, "orders")
    # alembic_version is Alembic's: never drift.
    assert call(manager, "validate_schema", mode).in_sync


def test_initialize_database_without_ENABLE_AUTO_MIGRATION_only_reports(pg, binary):
    db = pg.create_database("noinit")
    manager = SchemaManager(shop.Base, alembic_config=ALEMBIC_INI, env=manager_env(pg, db, binary))
    report = asyncio.run(manager.initialize_database())
    assert {(d.object, d.change) for d in report} >= {("customers", "CreateTable"), ("orders", "CreateTable")}
    assert report.applied == []
    with pg.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0


def test_a_failing_migration_raises_MigrationError_and_aligns_nothing(pg, binary, tmp_path):
    db = pg.create_database("badmig")
    (tmp_path / "versions").mkdir()
    for name in ("env.py", "script.py.mako"):
        (tmp_path / name).write_text((ALEMBIC_INI.parent / name).read_text())
    (tmp_path / "alembic.ini").write_text(ALEMBIC_INI.read_text())
    (tmp_path / "versions" / "0001_broken.py").write_text(
        "from alembic import op\nrevision = '0001'\ndown_revision = None\n"
        "def upgrade():\n    op.execute('CREATE TABLE broken (id int REFERENCES missing_table (id))')\n")
    manager = SchemaManager(shop.Base, alembic_config=tmp_path / "alembic.ini",
                            env=manager_env(pg, db, binary, ENABLE_AUTO_MIGRATION="true"))
    with pytest.raises(MigrationError) as e:
        asyncio.run(manager.initialize_database())
    assert 'relation "missing_table" does not exist' in str(e.value)
    assert PASSWORD not in str(e.value)
    assert columns(pg, db, "orders") == []


def test_errors_carry_the_binary_message_and_never_the_password(pg, binary, caplog):
    db = pg.create_database("auth")
    wrong = pg.url(db).replace(PASSWORD, PASSWORD + "-wrong")
    env = manager_env(pg, db, binary, DATABASE_URL=wrong)
    manager = SchemaManager(shop.Base, env=env)
    caplog.set_level(logging.DEBUG)
    for attempt in (lambda: asyncio.run(manager.validate_schema()), manager.fix_schema_sync):
        with pytest.raises(CommandError) as e:
            attempt()
        message = str(e.value)
        assert "password authentication failed" in message
        assert f"127.0.0.1:{pg.port}/{db}" in message
        assert PASSWORD not in message and PASSWORD not in repr(e.value) and e.value.exit_code == 1
    health = manager.health_sync()
    assert not health.database_available and "password authentication failed" in health.error
    assert PASSWORD not in health.error
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(manager.settings())


@pytest.mark.parametrize("driver", ["psycopg", "asyncpg", ""])
def test_health_reports_availability_and_server_version(pg, binary, driver):
    db = pg.create_database("health")
    manager = SchemaManager(shop.Base, env=manager_env(pg, db, binary, DATABASE_URL=pg.url(db, driver=driver)))
    for health in (asyncio.run(manager.health()), manager.health_sync()):
        assert health.database_available, health.error
        assert health.server_version.startswith("15")
        assert health.as_dict() == {"database": "available", "server_version": health.server_version}
    down = SchemaManager(shop.Base, env=manager_env(pg, db, binary, DATABASE_URL=pg.url(db, driver=driver).replace(
        f":{pg.port}/", ":1/")))
    health = asyncio.run(down.health())
    assert not health.database_available and health.as_dict()["database"] == "unavailable" and health.error


def test_the_manager_reads_an_exported_resource_file_and_asyncpg_urls(pg, binary, tmp_path):
    from schema_operator_sqlalchemy import export_resource, to_yaml
    db = created_shop(pg)
    path = tmp_path / "shop.yaml"
    path.write_text(to_yaml(export_resource(shop.Base.metadata, name="shop", namespace="apps")))
    env = manager_env(pg, db, binary, DATABASE_URL=pg.url(db, driver="asyncpg").replace("sslmode=", "ssl="))
    manager = SchemaManager(resource=path, env=env)
    assert asyncio.run(manager.validate_schema()).in_sync
    drift_on(pg, db)
    # The file says mode: Plan (for the cluster); fix_schema() applies all the same.
    assert [d.change for d in asyncio.run(manager.fix_schema())] == ["DropColumn"]
    assert "note" in columns(pg, db, "orders")

    two = tmp_path / "two.yaml"
    two.write_text(path.read_text() + "---\n" + path.read_text())
    with pytest.raises(ConfigurationError, match="holds 2 documents; a SchemaManager manages one"):
        SchemaManager(resource=two, env=env).validate_schema_sync()


def test_settings_come_from_the_environment(pg, binary):
    db = pg.create_database("env")
    env = manager_env(pg, db, binary, SCHEMA_OPERATOR_MODELS=model_module_name("models.shop") + ":Base")
    manager = SchemaManager(env=env)
    assert [d.change for d in manager.validate_schema_sync()].count("CreateTable") == 2
    with pytest.raises(ConfigurationError, match="DATABASE_URL is not set"):
        SchemaManager(shop.Base, env={"SCHEMA_OPERATOR_BIN": binary}).validate_schema_sync()
    with pytest.raises(ConfigurationError, match="SCHEMA_OPERATOR_BIN='/nonexistent/schema-operator'"):
        SchemaManager(shop.Base, env={"DATABASE_URL": pg.url(db),
                                      "SCHEMA_OPERATOR_BIN": "/nonexistent/schema-operator"}).settings()
    with pytest.raises(ConfigurationError, match="not found on PATH"):
        SchemaManager(shop.Base, env={"DATABASE_URL": pg.url(db), "PATH": "/nonexistent"}).settings()
    with pytest.raises(ConfigurationError, match="needs the models"):
        SchemaManager(env={})


@pytest.mark.parametrize("driver", ["psycopg", "asyncpg"])
def test_the_TLS_variables_reach_the_binary_and_health(pg, binary, driver, tmp_path):
    db = created_shop(pg)
    # No sslmode in the URL: verify-full, as the binary decides. The server's certificate is
    # self-signed, so without PG_SSL_ROOT_CERT nothing trusts it.
    base = manager_env(pg, db, binary, DATABASE_URL=pg.url(db, driver=driver, sslmode=None), HOME=str(tmp_path))
    untrusted = SchemaManager(shop.Base, env=base)
    with pytest.raises(CommandError) as e:
        untrusted.validate_schema_sync()
    assert "certificate" in str(e.value) or "TLS" in str(e.value)
    assert PASSWORD not in str(e.value)
    health = untrusted.health_sync()
    assert not health.database_available and PASSWORD not in health.error

    for flags in ({"PG_SSL_ROOT_CERT": str(pg.certificate)}, {"PG_SSL_ALLOW_SELF_SIGNED": "true"}):
        trusted = SchemaManager(shop.Base, env={**base, **flags})
        assert trusted.validate_schema_sync().in_sync, flags
        assert asyncio.run(trusted.health()).database_available, flags
