"""A schema other than public, a naming convention, a column-level check, a boolean, comments,
a composite unique index and a partial one."""
import enum
from typing import Optional

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Identity, Index, MetaData, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA = "inventory"


class Unit(enum.Enum):
    piece = "piece"
    kilogram = "kilogram"
    litre = "litre"


class Base(DeclarativeBase):
    metadata = MetaData(
        schema=SCHEMA,
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        },
    )


class Warehouse(Base):
    __tablename__ = "warehouses"
    __table_args__ = {"comment": "Where stock is kept"}

    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True, comment="Short code on labels")
    active: Mapped[bool] = mapped_column(server_default=text("true"))


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_nonneg"),
        Index(None, "warehouse_id", "sku", unique=True),
        Index("items_low_stock", "quantity", postgresql_where=text("quantity < 10")),
    )

    id: Mapped[int] = mapped_column(Identity(always=True), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(32))
    unit: Mapped[Unit] = mapped_column(Enum(Unit, name="unit", schema=SCHEMA), server_default="piece")
    quantity: Mapped[int] = mapped_column(CheckConstraint("quantity <= 1000000", name="quantity_cap"),
                                          server_default="0")
    description: Mapped[Optional[str]] = mapped_column(Text, comment="Shown in the catalogue")
