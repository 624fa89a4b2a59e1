"""Trust: rate-limit counters and idempotent replies shared by every app server, token expiry,
and revision hashes that cover every stored column (hash_version 2).

Revision ID: 0015_trust
Revises: 0014_access_exceptions
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_trust"
down_revision = "0014_access_exceptions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "request_throttle",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("window", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window", name="pk_request_throttle"),
    )
    json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
    op.create_table(
        "idempotent_reply",
        sa.Column("scope", sa.String(100), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", json_type, nullable=False),
        sa.Column("headers", json_type, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_idempotent_reply"),
    )
    op.create_index("ix_idempotent_reply_created_at", "idempotent_reply", ["created_at"])
    op.add_column("api_token", sa.Column("expires_at", sa.DateTime()))
    # existing revisions keep the hash they were written with (version 1); new ones are v2
    op.add_column(
        "revision", sa.Column("hash_version", sa.Integer(), nullable=False, server_default="1")
    )


def downgrade():
    op.drop_column("revision", "hash_version")
    op.drop_column("api_token", "expires_at")
    op.drop_index("ix_idempotent_reply_created_at", table_name="idempotent_reply")
    op.drop_table("idempotent_reply")
    op.drop_table("request_throttle")
