"""Store each resource's plain-text summary with its fragments (feeds read it, never parse).

Revision ID: 0004_fragment_summary
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_fragment_summary"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("resource_fragment") as batch:
        batch.add_column(sa.Column("summary", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("resource_fragment") as batch:
        batch.drop_column("summary")
