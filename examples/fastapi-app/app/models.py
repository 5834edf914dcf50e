"""The example application's models (SQLAlchemy 2.0). The DatabaseSchema in
../databaseschema.yaml is exported from these: `python -m schema_operator_sqlalchemy export app.models:Base`."""
import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Identity, Index, String, Text, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Visibility(enum.Enum):
    private = "private"
    shared = "shared"


class Author(Base):
    __tablename__ = "authors"
    __table_args__ = {"comment": "Who writes notes"}

    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)


class Note(Base):
    __tablename__ = "notes"
    __table_args__ = (
        CheckConstraint("char_length(title) > 0", name="notes_title_not_empty"),
        Index("notes_shared_idx", "created_at", postgresql_where=text("visibility = 'shared'")),
    )

    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("authors.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[Optional[str]] = mapped_column(Text, comment="Markdown")
    visibility: Mapped[Visibility] = mapped_column(Enum(Visibility, name="visibility"), server_default="private")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
