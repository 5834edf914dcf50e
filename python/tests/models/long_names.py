"""Names at PostgreSQL's limit: a 63-byte table name, whose key PostgreSQL names by shortening
the table name to fit "<table>_pkey" in 63 bytes."""
from sqlalchemy import Column, Identity, Integer, MetaData, String, Table

metadata = MetaData()

Table(
    "a_table_name_long_enough_that_its_primary_key_name_is_shortened",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("label", String(20)),
)
