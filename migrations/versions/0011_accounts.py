"""Sign-in throttling: failed attempts and a lock-out time per account.

Revision ID: 0011_accounts
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import catalog.models.types

revision = "0011_accounts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("locked_until", catalog.models.types.UTCDateTime()))


def downgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")
