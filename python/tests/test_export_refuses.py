"""What a DatabaseSchema cannot express is an error naming the model and the column, constraint or
index, never a silent drop."""
from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import (CheckConstraint, Column, Computed, DDL, ForeignKeyConstraint, Identity, Index, Integer,
                        MetaData, PrimaryKeyConstraint, Sequence, String, Table, UniqueConstraint, event, func, text)
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import declarative_base

from conftest import python_env
from installed_sqlalchemy import SQLALCHEMY_2, sqlalchemy2
from schema_operator_sqlalchemy import UnsupportedModelError, export_resource

if SQLALCHEMY_2:  # at module level: the Mapped[] annotations below are strings resolved here
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def export(metadata, **kw):
    return export_resource(metadata, name="app", **kw)


def refusal(metadata, **kw) -> str:
    with pytest.raises(UnsupportedModelError) as e:
        export(metadata, **kw)
    return str(e.value)


# Declarative models both ways an application writes them: SQLAlchemy 2.0's Mapped[] columns, and
# the declarative_base() and Column of 1.4 (which 2.0 still takes).
def users_mapped():
    class Base(DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "users"
        __table_args__ = (Index("users_email_lower_idx", func.lower(text("email"))),)
        id: Mapped[int] = mapped_column(Identity(), primary_key=True)
        email: Mapped[str] = mapped_column(String(320))

    return Base


def users_classic():
    Base = declarative_base()

    class User(Base):
        __tablename__ = "users"
        __table_args__ = (Index("users_email_lower_idx", func.lower(text("email"))),)
        id = Column(Integer, Identity(), primary_key=True)
        email = Column(String(320), nullable=False)

    return Base


def boxes_mapped():
    class Base(DeclarativeBase):
        pass

    class Box(Base):
        __tablename__ = "boxes"
        id: Mapped[int] = mapped_column(Identity(), primary_key=True)
        width: Mapped[int]
        area: Mapped[int] = mapped_column(Computed("width * width"))

    return Base


def boxes_classic():
    Base = declarative_base()

    class Box(Base):
        __tablename__ = "boxes"
        id = Column(Integer, Identity(), primary_key=True)
        width = Column(Integer, nullable=False)
        area = Column(Integer, Computed("width * width"), nullable=False)

    return Base


@pytest.mark.parametrize("declare", [pytest.param(users_mapped, marks=sqlalchemy2), users_classic])
def test_an_expression_index_names_the_model_and_the_index(declare):
    Base = declare()
    message = refusal(Base.metadata, source=Base)
    assert message.startswith("User (users), index users_email_lower_idx: ")
    assert "lower(email)" in message and "expression" in message


def test_a_descending_index_key_is_refused():
    md = MetaData()
    t = Table("events", md, Column("id", Integer, Identity(), primary_key=True), Column("at", Integer))
    Index("events_at_desc", t.c.at.desc())
    assert "events, index events_at_desc: key 'at DESC'" in refusal(md)


@pytest.mark.parametrize("option, value, label", [
    ("postgresql_include", ["id"], "postgresql_include"),
    ("postgresql_ops", {"name": "text_pattern_ops"}, "postgresql_ops"),
    ("postgresql_with", {"fillfactor": 50}, "postgresql_with"),
])
def test_index_options_the_resource_lacks_are_refused(option, value, label):
    md = MetaData()
    t = Table("people", md, Column("id", Integer, Identity(), primary_key=True), Column("name", String(50)))
    Index("people_name_idx", t.c.name, **{option: value})
    message = refusal(md)
    assert message.startswith("people, index people_name_idx: ") and label in message


@pytest.mark.parametrize("declare", [pytest.param(boxes_mapped, marks=sqlalchemy2), boxes_classic])
def test_a_generated_column_names_the_model_and_column(declare):
    Base = declare()
    assert refusal(Base.metadata, source=Base).startswith("Box (boxes), column area: Computed")


def test_a_collation_is_refused():
    md = MetaData()
    Table("t", md, Column("id", Integer, Identity(), primary_key=True), Column("code", String(5, collation="C")))
    assert refusal(md).startswith("t, column code: collation 'C'")


def test_identity_options_are_refused():
    md = MetaData()
    Table("t", md, Column("id", Integer, Identity(start=100), primary_key=True))
    message = refusal(md)
    assert message.startswith("t, column id: Identity options") and "'start': 100" in message


def test_a_standalone_sequence_default_is_refused():
    md = MetaData()
    Table("t", md, Column("id", Integer, primary_key=True), Column("n", Integer, Sequence("t_n_seq")))
    assert "t, column n: Sequence('t_n_seq')" in refusal(md)


def test_deferrable_constraints_are_refused():
    md = MetaData()
    Table("a", md, Column("id", Integer, Identity(), primary_key=True))
    Table("b", md, Column("id", Integer, Identity(), primary_key=True), Column("a_id", Integer),
          ForeignKeyConstraint(["a_id"], ["a.id"], name="b_a_fk", deferrable=True, initially="DEFERRED"))
    assert refusal(md).startswith("b, foreign key b_a_fk: DEFERRABLE")


def test_a_named_primary_key_is_refused_with_the_name_postgres_would_give():
    md = MetaData(naming_convention={"pk": "pk_%(table_name)s"})
    Table("orders", md, Column("id", Integer, Identity(), primary_key=True))
    message = refusal(md)
    assert message.startswith("orders, primary key pk_orders: ") and "'orders_pkey'" in message


def test_a_foreign_key_to_another_schema_is_refused():
    md = MetaData()
    Table("users", md, Column("id", Integer, Identity(), primary_key=True), schema="auth")
    Table("posts", md, Column("id", Integer, Identity(), primary_key=True),
          Column("user_id", Integer), ForeignKeyConstraint(["user_id"], ["auth.users.id"], name="posts_user_fk"))
    message = refusal(md)
    assert message.startswith("posts, foreign key posts_user_fk: it references auth.users")


def test_an_enum_of_another_schema_is_refused():
    md = MetaData()
    Table("t", md, Column("id", Integer, Identity(), primary_key=True),
          Column("kind", pg.ENUM("a", "b", name="kind", schema="shared")))
    assert refusal(md).startswith("t, column kind: enum 'kind' is in schema 'shared'")


def test_two_enums_of_one_name_with_different_values_are_refused():
    md = MetaData()
    Table("a", md, Column("id", Integer, Identity(), primary_key=True), Column("s", pg.ENUM("x", "y", name="state")))
    Table("b", md, Column("id", Integer, Identity(), primary_key=True), Column("s", pg.ENUM("x", "z", name="state")))
    message = refusal(md)
    assert "enum 'state' has values" in message and "a, column s declares it" in message


def test_ddl_attached_to_a_table_is_refused():
    md = MetaData()
    t = Table("t", md, Column("id", Integer, Identity(), primary_key=True))
    event.listen(t, "after_create", DDL("CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()"))
    message = refusal(md)
    assert message.startswith("t: DDL attached to after_create ('CREATE TRIGGER t_touch")


@pytest.mark.parametrize("kwargs, option", [
    ({"postgresql_partition_by": "RANGE (id)"}, "postgresql_partition_by"),
    ({"prefixes": ["UNLOGGED"]}, "prefixes"),
])
def test_table_options_are_refused(kwargs, option):
    md = MetaData()
    Table("t", md, Column("id", Integer, Identity(), primary_key=True), **kwargs)
    assert option in refusal(md)


def test_an_exclusion_constraint_is_refused():
    md = MetaData()
    Table("rooms", md, Column("id", Integer, Identity(), primary_key=True), Column("during", pg.TSRANGE),
          pg.ExcludeConstraint(("during", "&&"), name="rooms_no_overlap", using="gist"))
    assert refusal(md).startswith("rooms, constraint rooms_no_overlap: ExcludeConstraint")


def test_no_table_in_the_schema_says_where_the_tables_are():
    md = MetaData(schema="billing")
    Table("invoices", md, Column("id", Integer, Identity(), primary_key=True))
    message = refusal(md, schema="public")
    assert "no table of schema 'public'" in message and "billing" in message


def test_the_command_line_prints_the_refusal_and_exits_1(tmp_path):
    (tmp_path / "refused_models.py").write_text(
        "from sqlalchemy import Column, Computed, Identity, Integer, MetaData, Table\n"
        "metadata = MetaData()\n"
        "Table('t', metadata, Column('id', Integer, Identity(), primary_key=True),\n"
        "      Column('twice', Integer, Computed('id * 2')))\n")
    proc = subprocess.run([sys.executable, "-m", "schema_operator_sqlalchemy", "export", "refused_models:metadata"],
                          cwd=tmp_path, capture_output=True, text=True, env=python_env())
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: t, column twice: Computed")


def test_a_foreign_key_to_an_undeclared_table_is_an_error_not_a_traceback(tmp_path):
    (tmp_path / "dangling_models.py").write_text(
        "from sqlalchemy import Column, ForeignKey, Identity, Integer, MetaData, Table\n"
        "metadata = MetaData()\n"
        "Table('t', metadata, Column('id', Integer, Identity(), primary_key=True),\n"
        "      Column('owner_id', Integer, ForeignKey('owners.id')))\n")
    proc = subprocess.run([sys.executable, "-m", "schema_operator_sqlalchemy", "export", "dangling_models:metadata"],
                          cwd=tmp_path, capture_output=True, text=True, env=python_env())
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ") and "owners" in proc.stderr and "Traceback" not in proc.stderr
