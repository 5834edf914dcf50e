"""models/shop.py in SQLAlchemy 1.4's declarative style."""
import enum

from sqlalchemy import (CheckConstraint, Column, DateTime, Enum, ForeignKey, Identity, Index, Integer, Numeric, String,
                        Text, UniqueConstraint, func, text)
from sqlalchemy.orm import declarative_base


class OrderStatus(enum.Enum):
    pending = "pending"
    paid = "paid"
    shipped = "shipped"


Base = declarative_base()


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = {"comment": "People who buy"}

    id = Column(Integer, Identity(always=True), primary_key=True)
    email = Column(String(320), nullable=False, unique=True, comment="Where receipts go")
    name = Column(Text)
    created_at = Column(DateTime, nullable=False, server_default=func.now())


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total_cents >= 0", name="orders_total_nonneg"),
        CheckConstraint("shipped_at IS NULL OR shipped_at >= created_at"),
        UniqueConstraint("customer_id", "reference", name="orders_customer_reference_key"),
        Index("orders_open_idx", "created_at", postgresql_where=text("status <> 'shipped'")),
        Index("orders_reference_hash_idx", "reference", postgresql_using="hash"),
    )

    id = Column(Integer, Identity(), primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id", ondelete="CASCADE", onupdate="RESTRICT"),
                         nullable=False, index=True)
    reference = Column(String(40), nullable=False)
    status = Column(Enum(OrderStatus, name="order_status"), nullable=False, server_default="pending")
    total_cents = Column(Integer, nullable=False, server_default="0")
    discount = Column(Numeric(5, 2), nullable=False, server_default=text("0.00"))
    note = Column(Text, comment="Free text from the buyer")
    created_at = Column(DateTime, nullable=False, server_default=text("CURRENT_TIMESTAMP"))
    shipped_at = Column(DateTime)
