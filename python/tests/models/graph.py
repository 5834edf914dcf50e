"""Keys that point at keys: a composite primary and foreign key, a self-reference, a cycle that
create_all breaks with use_alter, and every referential action."""
from sqlalchemy import (BigInteger, Column, ForeignKey, ForeignKeyConstraint, Identity, Integer, MetaData, String,
                        Table, UniqueConstraint)

metadata = MetaData()

Table(
    "regions", metadata,
    Column("country", String(2), primary_key=True),
    Column("code", String(8), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("capital_city_id", BigInteger),
    # regions -> cities -> regions: a cycle; use_alter makes create_all add it afterwards.
    ForeignKeyConstraint(["capital_city_id"], ["cities.id"], name="regions_capital_fk", use_alter=True,
                         ondelete="SET NULL"),
)

Table(
    "cities", metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("country", String(2), nullable=False),
    Column("region_code", String(8), nullable=False),
    Column("name", String(100), nullable=False),
    ForeignKeyConstraint(["country", "region_code"], ["regions.country", "regions.code"],
                         name="cities_region_fk", onupdate="CASCADE", ondelete="RESTRICT"),
    UniqueConstraint("country", "region_code", "name"),
)

Table(
    "employees", metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("manager_id", Integer, ForeignKey("employees.id", ondelete="SET NULL")),
    Column("mentor_id", Integer, ForeignKey("employees.id", name="employees_mentor_fk", ondelete="NO ACTION")),
    Column("city_id", BigInteger, ForeignKey("cities.id", ondelete="SET DEFAULT"), server_default="1"),
    Column("badge", String(20), unique=True),
)

Table(
    "assignments", metadata,
    Column("employee_id", Integer, ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True),
    Column("city_id", BigInteger, ForeignKey("cities.id"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
)
