"""Autoincrement integer keys as create_all makes them: SERIAL, BIGSERIAL and SMALLSERIAL, in a
table whose name needs quotes and one whose sequence name PostgreSQL has to shorten."""
from typing import Optional

from sqlalchemy import BigInteger, ForeignKey, SmallInteger, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)  # SERIAL
    name: Mapped[str] = mapped_column(String(100))


class Post(Base):
    __tablename__ = "Posts"  # quoted: "Posts_id_seq"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # BIGSERIAL
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    title: Mapped[Optional[str]] = mapped_column(String(200))


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # SMALLSERIAL
    label: Mapped[str] = mapped_column(String(40), unique=True)


class LongName(Base):
    # "<table>_<column>_seq" is 82 bytes: PostgreSQL shortens the longer part first to fit 63.
    __tablename__ = "a_table_whose_serial_sequence_is_shortened"
    identifier_of_the_row_in_this_table: Mapped[int] = mapped_column(primary_key=True)
