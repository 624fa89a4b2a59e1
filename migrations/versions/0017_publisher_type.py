"""A publisher's own ADMS type (entity, company, academia…) instead of one for all.

Revision ID: 0017_publisher_type
Revises: 0016_resource_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_publisher_type"
down_revision = "0016_resource_version"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("publisher", sa.Column("publisher_type", sa.String(60), nullable=True))


def downgrade():
    op.drop_column("publisher", "publisher_type")
