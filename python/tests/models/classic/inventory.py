"""models/inventory.py in SQLAlchemy 1.4's declarative style."""
import enum

from sqlalchemy import (Boolean, CheckConstraint, Column, Enum, ForeignKey, Identity, Index, Integer, MetaData, String,
                        Text, text)
from sqlalchemy.orm import declarative_base

SCHEMA = "inventory"


class Unit(enum.Enum):
    piece = "piece"
    kilogram = "kilogram"
    litre = "litre"


Base = declarative_base(metadata=MetaData(
    schema=SCHEMA,
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    },
))


class Warehouse(Base):
    __tablename__ = "warehouses"
    __table_args__ = {"comment": "Where stock is kept"}

    id = Column(Integer, Identity(), primary_key=True)
    code = Column(String(10), nullable=False, unique=True, comment="Short code on labels")
    active = Column(Boolean, nullable=False, server_default=text("true"))


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_nonneg"),
        Index(None, "warehouse_id", "sku", unique=True),
        Index("items_low_stock", "quantity", postgresql_where=text("quantity < 10")),
    )

    id = Column(Integer, Identity(always=True), primary_key=True)
    warehouse_id = Column(Integer, ForeignKey("warehouses.id", ondelete="CASCADE"), nullable=False)
    sku = Column(String(32), nullable=False)
    unit = Column(Enum(Unit, name="unit", schema=SCHEMA), nullable=False, server_default="piece")
    quantity = Column(Integer, CheckConstraint("quantity <= 1000000", name="quantity_cap"), nullable=False,
                      server_default="0")
    description = Column(Text, comment="Shown in the catalogue")
