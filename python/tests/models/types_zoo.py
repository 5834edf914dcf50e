"""Every column type family PostgreSQL has, as SQLAlchemy's dialect compiles them."""
import enum

from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, Enum, Float, Identity, Integer, Interval,
                        LargeBinary, MetaData, Numeric, SmallInteger, String, Table, Text, Time, false, text, true)
from sqlalchemy.dialects import postgresql as pg

try:
    from sqlalchemy import Double, Uuid
    from sqlalchemy.dialects.postgresql import INT4MULTIRANGE, TSQUERY
except ImportError:  # SQLAlchemy 1.4 (the oldest supported): the same DDL, spelt as its applications do
    from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION as Double, UUID as Uuid
    from sqlalchemy.types import UserDefinedType

    class TSQUERY(UserDefinedType):  # 1.4 has no type for tsquery, nor for multiranges
        cache_ok = True

        def get_col_spec(self, **kw):
            return "TSQUERY"

    class INT4MULTIRANGE(UserDefinedType):
        cache_ok = True

        def get_col_spec(self, **kw):
            return "INT4MULTIRANGE"

metadata = MetaData()


class Mood(enum.Enum):
    sad = "sad"
    ok = "ok"
    happy = "happy"


mood = Enum(Mood, name="mood")

everything = Table(
    "everything", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    # numbers
    Column("small", SmallInteger, server_default="7"),
    Column("regular", Integer, nullable=False, server_default=text("-1")),
    Column("big", BigInteger),
    Column("exact", Numeric(12, 4)),
    Column("exact_any", Numeric),
    Column("approx", Float(precision=24)),
    Column("double", Double),
    Column("real", pg.REAL),
    Column("money", pg.MONEY),
    # text
    Column("short", String(20), server_default="x"),
    Column("unbounded", String),
    Column("long", Text, server_default=""),
    Column("fixed", pg.CHAR(3)),
    Column("citext_like", pg.VARCHAR(255)),
    # booleans and bits
    Column("flag", Boolean, nullable=False, server_default=true()),
    Column("other_flag", Boolean, server_default=false()),
    Column("bits", pg.BIT(8)),
    Column("varbits", pg.BIT(16, varying=True)),
    # time
    Column("day", Date, server_default=text("CURRENT_DATE")),
    Column("at", Time),
    Column("at_tz", Time(timezone=True)),
    Column("stamp", DateTime),
    Column("stamp_tz", DateTime(timezone=True), server_default=text("now()")),
    Column("stamp_precise", pg.TIMESTAMP(precision=3)),
    Column("span", Interval),
    Column("span_fields", pg.INTERVAL(fields="DAY TO SECOND")),
    # binary, identifiers, network
    Column("blob", LargeBinary),
    Column("uid", Uuid, server_default=text("gen_random_uuid()")),
    Column("pg_uid", pg.UUID(as_uuid=True)),
    Column("ip", pg.INET),
    Column("net", pg.CIDR),
    Column("mac", pg.MACADDR),
    Column("mac8", pg.MACADDR8),
    # documents and search
    Column("doc", pg.JSONB, server_default=text("'{}'::jsonb")),
    Column("doc_text", pg.JSON),
    Column("words", pg.TSVECTOR),
    Column("query", TSQUERY),
    # arrays
    Column("numbers", pg.ARRAY(Integer), server_default=text("'{}'::integer[]")),
    Column("grid", pg.ARRAY(Text, dimensions=2)),
    Column("moods", pg.ARRAY(mood)),
    # ranges
    Column("int_span", pg.INT4RANGE),
    Column("big_span", pg.INT8RANGE),
    Column("num_span", pg.NUMRANGE),
    Column("date_span", pg.DATERANGE),
    Column("ts_span", pg.TSRANGE),
    Column("tstz_span", pg.TSTZRANGE),
    Column("int_spans", INT4MULTIRANGE),
    # enum
    Column("current_mood", mood, nullable=False, server_default="ok"),
    # geometry
    Column("oid_ref", pg.OID),
    Column("reg", pg.REGCLASS),
)
