"""customers, with the row the application cannot start without (a data migration: only Alembic
can do this part; the operator aligns the schema afterwards)."""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer, sa.Identity(always=True), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
    )
    op.execute("INSERT INTO customers (email) VALUES ('migrated@example.com')")


def downgrade() -> None:
    op.drop_table("customers")
