"""A typical application: identity keys, an enum with a server default, a cascading foreign key,
named and unnamed checks and uniques, partial and hash indexes, comments."""
import enum
from datetime import datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Identity, Index, Numeric, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class OrderStatus(enum.Enum):
    pending = "pending"
    paid = "paid"
    shipped = "shipped"


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = {"comment": "People who buy"}

    id: Mapped[int] = mapped_column(Identity(always=True), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True, comment="Where receipts go")
    name: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total_cents >= 0", name="orders_total_nonneg"),
        CheckConstraint("shipped_at IS NULL OR shipped_at >= created_at"),
        UniqueConstraint("customer_id", "reference", name="orders_customer_reference_key"),
        Index("orders_open_idx", "created_at", postgresql_where=text("status <> 'shipped'")),
        Index("orders_reference_hash_idx", "reference", postgresql_using="hash"),
    )

    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE", onupdate="RESTRICT"),
                                             index=True)
    reference: Mapped[str] = mapped_column(String(40))
    status: Mapped[OrderStatus] = mapped_column(Enum(OrderStatus, name="order_status"), server_default="pending")
    total_cents: Mapped[int] = mapped_column(server_default="0")
    discount: Mapped[Decimal] = mapped_column(Numeric(5, 2), server_default=text("0.00"))
    note: Mapped[Optional[str]] = mapped_column(Text, comment="Free text from the buyer")
    created_at: Mapped[datetime] = mapped_column(server_default=text("CURRENT_TIMESTAMP"))
    shipped_at: Mapped[Optional[datetime]]
