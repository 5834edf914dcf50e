"""A non-native Enum: a varchar column with a CHECK (condition IN (...)) that create_constraint adds."""
import enum

from sqlalchemy import Enum, Identity
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Condition(enum.Enum):
    new = "new"
    used = "used"


class Base(DeclarativeBase):
    pass


class Listing(Base):
    __tablename__ = "listings"

    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    condition: Mapped[Condition] = mapped_column(
        Enum(Condition, native_enum=False, create_constraint=True, name="condition", length=10),
        server_default="new")
