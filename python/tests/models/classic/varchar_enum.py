"""models/varchar_enum.py in SQLAlchemy 1.4's declarative style."""
import enum

from sqlalchemy import Column, Enum, Identity, Integer
from sqlalchemy.orm import declarative_base


class Condition(enum.Enum):
    new = "new"
    used = "used"


Base = declarative_base()


class Listing(Base):
    __tablename__ = "listings"

    id = Column(Integer, Identity(), primary_key=True)
    condition = Column(Enum(Condition, native_enum=False, create_constraint=True, name="condition", length=10),
                       nullable=False, server_default="new")
