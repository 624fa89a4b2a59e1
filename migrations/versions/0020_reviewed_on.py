"""When a person last reviewed a resource (saved it in the workspace or through the API):
the review clock restarts from there, so saving an overdue resource clears "revisión vencida".

Revision ID: 0020_reviewed_on
Revises: 0019_harvest_sources
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_reviewed_on"
down_revision = "0019_harvest_sources"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("resource", sa.Column("reviewed_on", sa.Date(), nullable=True))


def downgrade():
    op.drop_column("resource", "reviewed_on")
