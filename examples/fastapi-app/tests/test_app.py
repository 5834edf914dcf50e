"""The example application as its users run it: start-up aligns the database (Alembic first), /health
reports it, the API works on the aligned schema, and the committed DatabaseSchema is the export."""
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from conftest import EXAMPLE, REPO


@pytest.fixture
def app_env(pg, binary, monkeypatch):
    db = pg.create_database("notes")
    for key in ("AUTO_SCHEMA_DESTRUCTIVE", "SCHEMA_OPERATOR_MODELS", "SCHEMA_OPERATOR_RESOURCE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DATABASE_URL", pg.url(db))
    monkeypatch.setenv("SCHEMA_OPERATOR_BIN", binary)
    monkeypatch.setenv("ENABLE_AUTO_MIGRATION", "true")
    return db


def test_start_up_migrates_then_aligns_and_health_says_available(pg, app_env):
    from app.main import app

    with TestClient(app) as client:
        health = client.get("/health")
        assert health.status_code == 200
        assert health.json()["database"] == "available" and health.json()["server_version"].startswith("15")

        # The migration's row, then rows on columns only the operator added (visibility, created_at).
        assert client.get("/notes").json() == [{"id": 1, "title": "Welcome"}]
        created = client.post("/notes", json={"title": "Second", "body": "*hi*"})
        assert created.status_code == 201 and created.json()["visibility"] == "private"
        assert [n["title"] for n in client.get("/notes").json()] == ["Welcome", "Second"]

    with pg.connect(app_env) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert tables == {"alembic_version", "authors", "notes"}


def test_health_is_503_when_the_database_is_down(pg, app_env, monkeypatch):
    from app.main import app, schema_manager

    with TestClient(app) as client:
        monkeypatch.setenv("DATABASE_URL", pg.url(app_env).replace(f":{pg.port}/", ":1/"))
        health = schema_manager.health_sync()
        assert not health.database_available
        response = client.get("/health")
        assert response.status_code == 503 and response.json()["database"] == "unavailable"


def test_the_committed_databaseschema_is_what_the_export_writes_today():
    proc = subprocess.run(
        [sys.executable, "-m", "schema_operator_sqlalchemy", "export", "app.models:Base", "--name", "notes",
         "--namespace", "apps", "--secret", "notes-db"],
        cwd=EXAMPLE, capture_output=True, text=True,
        env={"PYTHONPATH": f"{REPO / 'python'}:{EXAMPLE}", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (EXAMPLE / "databaseschema.yaml").read_text()
