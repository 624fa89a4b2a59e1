"""One counter that every committed write moves on (catalog.database.count_generations): the
state of the database in one row, which the page cache keys rendered pages by.

Revision ID: 0022_catalog_generation
Revises: 0021_search_words
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_catalog_generation"
down_revision = "0021_search_words"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "catalog_generation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO catalog_generation (id, value) VALUES (1, 0)")


def downgrade():
    op.drop_table("catalog_generation")
