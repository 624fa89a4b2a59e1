"""Keywords indexed with their resources, as themes are: "related resources" reads the newest
resources carrying a keyword as one index range, without sorting every match.

Revision ID: 0023_keyword_resource_index
Revises: 0022_catalog_generation
"""

from alembic import op

revision = "0023_keyword_resource_index"
down_revision = "0022_catalog_generation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_resource_keyword_key_resource", "resource_keyword", ["keyword_key", "resource_id"]
    )


def downgrade():
    op.drop_index("ix_resource_keyword_key_resource", table_name="resource_keyword")
