"""Indexes for an entity's dashboard.

Its resources by status: newest change first, by next review date and by quality score.

Revision ID: 0012_workspace_indexes
Revises: 0011_accounts
"""

from alembic import op

revision = "0012_workspace_indexes"
down_revision = "0011_accounts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_resource_publisher_status_updated",
        "resource",
        ["publisher_id", "status", "updated_at"],
    )
    op.create_index(
        "ix_resource_publisher_status_review",
        "resource",
        ["publisher_id", "status", "next_review_on"],
    )
    op.create_index(
        "ix_resource_publisher_status_quality",
        "resource",
        ["publisher_id", "status", "quality_score"],
    )


def downgrade():
    op.drop_index("ix_resource_publisher_status_quality", table_name="resource")
    op.drop_index("ix_resource_publisher_status_review", table_name="resource")
    op.drop_index("ix_resource_publisher_status_updated", table_name="resource")
