"""One version number everywhere: a resource's version is the seq of its latest revision.

Revision ID: 0016_resource_version
Revises: 0015_trust
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_resource_version"
down_revision = "0015_trust"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "resource", sa.Column("version", sa.Integer(), nullable=False, server_default="0")
    )
    op.execute(
        "UPDATE resource SET version = COALESCE("
        "(SELECT MAX(seq) FROM revision WHERE revision.resource_id = resource.id), 0)"
    )


def downgrade():
    # a plain DROP COLUMN (SQLite 3.35+): rebuilding `resource` in batch mode would trip the
    # foreign keys that point at it
    op.drop_column("resource", "version")
