"""models/serial_keys.py in SQLAlchemy 1.4's declarative style."""
from sqlalchemy import BigInteger, Column, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Author(Base):
    __tablename__ = "authors"
    id = Column(Integer, primary_key=True)  # SERIAL
    name = Column(String(100), nullable=False)


class Post(Base):
    __tablename__ = "Posts"  # quoted: "Posts_id_seq"
    id = Column(BigInteger, primary_key=True)  # BIGSERIAL
    author_id = Column(Integer, ForeignKey("authors.id"), nullable=False)
    title = Column(String(200))


class Tag(Base):
    __tablename__ = "tags"
    id = Column(SmallInteger, primary_key=True)  # SMALLSERIAL
    label = Column(String(40), nullable=False, unique=True)


class LongName(Base):
    # "<table>_<column>_seq" is 82 bytes: PostgreSQL shortens the longer part first to fit 63.
    __tablename__ = "a_table_whose_serial_sequence_is_shortened"
    identifier_of_the_row_in_this_table = Column(Integer, primary_key=True)
