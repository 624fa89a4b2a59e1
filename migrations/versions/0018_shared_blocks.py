"""Shared nodes (concepts, agents, places) stored apart from each resource's own triples, so a
document states each once. Run `catalog render` after upgrading: until then
the old fragments (own and shared together) still give correct, only repetitive, documents.

Revision ID: 0018_shared_blocks
Revises: 0017_publisher_type
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_shared_blocks"
down_revision = "0017_publisher_type"
branch_labels = None
depends_on = None

COLUMNS = ("shared_nt", "shared_ttl", "shared_jsonld", "shared_rdfxml")


def upgrade():
    for name in COLUMNS:
        op.add_column(
            "resource_fragment", sa.Column(name, sa.Text(), nullable=False, server_default="[]")
        )


def downgrade():
    for name in COLUMNS:
        op.drop_column("resource_fragment", name)
