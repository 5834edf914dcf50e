"""The resource the export writes, field by field, for small models (no database needed)."""
from __future__ import annotations

import json
import subprocess
import sys

import yaml
from sqlalchemy import BigInteger, Column, Enum, ForeignKey, Identity, Integer, MetaData, String, Table, text

from conftest import TESTS, python_env
from installed_sqlalchemy import model_module_name
from schema_operator_sqlalchemy import export_resource, to_yaml
from schema_operator_sqlalchemy.tables import serial_sequence_name


def small_metadata() -> MetaData:
    md = MetaData()
    Table("alembic_version", md, Column("version_num", String(32), primary_key=True))
    Table("authors", md, Column("id", Integer, primary_key=True), Column("name", String(80), nullable=False,
                                                                         comment="Shown on posts"),
          comment="Writers")
    Table("posts", md,
          Column("id", BigInteger, Identity(always=True), primary_key=True),
          Column("author_id", Integer, ForeignKey("authors.id", ondelete="SET NULL")),
          Column("state", Enum("draft", "live", name="post_state"), nullable=False, server_default="draft"),
          Column("body", String, server_default=text("''")))
    return md


def test_the_resource_for_a_small_model():
    resource = export_resource(small_metadata(), name="blog", namespace="apps", secret="blog-db/URL")
    assert resource == {
        "apiVersion": "dbschema.io/v1alpha1",
        "kind": "DatabaseSchema",
        "metadata": {"name": "blog", "namespace": "apps"},
        "spec": {
            "connection": {"secretRef": {"name": "blog-db", "key": "URL"}},
            "schema": "public",
            "mode": "Plan",
            "ignore": ["alembic_version"],
            "enums": [{"name": "post_state", "values": ["draft", "live"]}],
            "sequences": [{"name": "authors_id_seq", "type": "integer", "ownedBy": "authors.id"}],
            "tables": [
                {"name": "authors", "comment": "Writers",
                 "columns": [
                     {"name": "id", "type": "integer", "default": "nextval('authors_id_seq'::regclass)"},
                     {"name": "name", "type": "varchar(80)", "nullable": False, "comment": "Shown on posts"}],
                 "primaryKey": ["id"]},
                {"name": "posts",
                 "columns": [
                     {"name": "id", "type": "bigint", "identity": "always"},
                     {"name": "author_id", "type": "integer"},
                     {"name": "state", "type": "post_state", "default": "'draft'", "nullable": False},
                     {"name": "body", "type": "varchar", "default": "''"}],
                 "primaryKey": ["id"],
                 "foreignKeys": [{"columns": ["author_id"], "references": {"table": "authors", "columns": ["id"]},
                                  "onDelete": "set null"}]},
            ],
        },
    }


def test_the_yaml_reads_back_as_the_resource_and_is_the_same_bytes_every_time():
    resource = export_resource(small_metadata(), name="blog")
    first = to_yaml(resource, header=["a header"])
    assert first.startswith("# a header\napiVersion: dbschema.io/v1alpha1\n")
    assert yaml.safe_load(first) == resource
    assert to_yaml(export_resource(small_metadata(), name="blog"), header=["a header"]) == first
    # SQL text keeps its single quotes readable.
    assert "default: \"nextval('authors_id_seq'::regclass)\"" in first


def test_the_secret_defaults_to_the_name_and_DATABASE_URL():
    spec = export_resource(small_metadata(), name="blog")["spec"]
    assert spec["connection"] == {"secretRef": {"name": "blog-db", "key": "DATABASE_URL"}}


def test_serial_sequence_names_are_shortened_as_postgres_does():
    assert serial_sequence_name("orders", "id") == "orders_id_seq"
    long_table = "a_table_name_long_enough_that_its_serial_sequence_is_shortened"  # 62 bytes
    name = serial_sequence_name(long_table, "identifier_of_the_row")
    assert len(name.encode()) == 63 and name.endswith("_identifier_of_the_row_seq")
    # The longer part is cut first, never in the middle of a character.
    assert serial_sequence_name("é" * 40, "id") == "é" * 28 + "_id_seq"


def test_serial_sequence_names_are_the_ones_postgres_chooses(pg):
    names = [("orders", "id"), ("Mixed Case", "Key"), ("t" * 60, "id"), ("é" * 40, "id"), ("x" * 30, "y" * 40)]
    with pg.connect(pg.create_database("names")) as conn:
        for table, column in names:
            conn.execute(f'CREATE TABLE "{table}" ("{column}" serial)')
            made = conn.execute("SELECT s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid "
                                "WHERE d.refobjid = %s::regclass AND s.relkind = 'S'",
                                (f'"{table}"',)).fetchone()[0]
            assert serial_sequence_name(table, column) == made


def test_the_command_line_writes_yaml_or_json(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "schema_operator_sqlalchemy", "export", *args],
                              capture_output=True, text=True, cwd=TESTS, env=python_env())

    shop = model_module_name("models.shop")
    as_yaml = run(f"{shop}:Base", "--namespace", "apps")
    assert as_yaml.returncode == 0, as_yaml.stderr
    resource = yaml.safe_load(as_yaml.stdout)
    assert resource["metadata"] == {"name": "models", "namespace": "apps"}
    assert [t["name"] for t in resource["spec"]["tables"]] == ["customers", "orders"]
    as_json = run(f"{shop}:Base", "--namespace", "apps", "-o", "json")
    assert json.loads(as_json.stdout) == resource

    missing = run(f"{shop}:Nope")
    assert missing.returncode == 1 and "has no attribute 'Nope'" in missing.stderr


def test_tables_of_other_schemas_are_left_to_their_own_resource_and_said_so(tmp_path):
    (tmp_path / "two_schemas.py").write_text(
        "from sqlalchemy import Column, Identity, Integer, MetaData, Table\n"
        "metadata = MetaData()\n"
        "Table('orders', metadata, Column('id', Integer, Identity(), primary_key=True))\n"
        "Table('events', metadata, Column('id', Integer, Identity(), primary_key=True), schema='audit')\n")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "schema_operator_sqlalchemy", "export", "two_schemas:metadata",
                               *args], capture_output=True, text=True, cwd=tmp_path, env=python_env())

    public = run()
    assert [t["name"] for t in yaml.safe_load(public.stdout)["spec"]["tables"]] == ["orders"]
    assert "note: the tables of schema 'audit' are not in this resource; export them with --schema audit" in public.stderr
    audit = run("--schema", "audit")
    spec = yaml.safe_load(audit.stdout)["spec"]
    assert spec["schema"] == "audit" and [t["name"] for t in spec["tables"]] == ["events"]
    assert "note: the tables of schema 'public' are not in this resource" in audit.stderr


def test_metadata_naming_no_schema_follows_the_exported_schema():
    md = MetaData()
    Table("orders", md, Column("id", Integer, Identity(), primary_key=True))
    spec = export_resource(md, name="shop", schema="sales")["spec"]
    assert spec["schema"] == "sales" and [t["name"] for t in spec["tables"]] == ["orders"]
