"""Shared nodes (concepts, agents, places) stored once, apart from each resource's own triples,
so a document states each once. Run `catalog render` after upgrading: until then the old
fragments (own and shared together) still give correct, only repetitive, documents.

Revision ID: 0018_shared_blocks
Revises: 0017_publisher_type
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_shared_blocks"
down_revision = "0017_publisher_type"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "shared_block",
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("nt", sa.Text(), nullable=False),
        sa.Column("ttl", sa.Text(), nullable=False),
        sa.Column("jsonld", sa.Text(), nullable=False),
        sa.Column("rdfxml", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_shared_block")),
    )
    op.add_column(
        "resource_fragment",
        sa.Column("shared_keys", sa.Text(), nullable=False, server_default="[]"),
    )


def downgrade():
    op.drop_column("resource_fragment", "shared_keys")
    op.drop_table("shared_block")
