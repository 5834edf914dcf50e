"""The first release: notes with a title. The models have grown since (authors, body, visibility,
created_at); the schema-operator aligns those, so no hand-written migration is needed for them.
Migrations stay for what only code can do, like this default row."""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
    )
    op.execute("INSERT INTO notes (title) VALUES ('Welcome')")


def downgrade() -> None:
    op.drop_table("notes")
