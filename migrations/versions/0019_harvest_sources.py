"""Harvest sources, their runs, and the records each brought in (federation, issue 15).

Revision ID: 0019_harvest_sources
Revises: 0018_shared_blocks
"""

import sqlalchemy as sa
from alembic import op


revision = "0019_harvest_sources"
down_revision = "0018_shared_blocks"
branch_labels = None
depends_on = None


def upgrade():
    JSONType = lambda: sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")  # noqa: E731, N806
    UTCDateTime = sa.DateTime  # noqa: N806
    op.create_table(
        "harvest_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("publisher_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("every_seconds", sa.Integer(), nullable=False),
        sa.Column("grace_seconds", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("filters", JSONType(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_run_at", UTCDateTime(), nullable=True),
        sa.Column("last_complete_at", UTCDateTime(), nullable=True),
        sa.Column("lock_until", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["publisher_id"], ["publisher.id"], name=op.f("fk_harvest_source_publisher_id_publisher")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_source")),
        sa.UniqueConstraint("name", name=op.f("uq_harvest_source_name")),
    )
    op.create_index(
        op.f("ix_harvest_source_publisher_id"), "harvest_source", ["publisher_id"]
    )
    op.create_table(
        "harvest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("counts", JSONType(), nullable=False),
        sa.Column("refused", JSONType(), nullable=False),
        sa.Column("approximated", JSONType(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["harvest_source.id"], name=op.f("fk_harvest_run_source_id_harvest_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_run")),
    )
    op.create_index(op.f("ix_harvest_run_source_id"), "harvest_run", ["source_id"])
    op.create_table(
        "harvest_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("remote_id", sa.String(500), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("original_uri", sa.String(2000), nullable=True),
        sa.Column("original_page", sa.String(2000), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("filters_seen", sa.String(64), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("missing_since", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["harvest_source.id"], name=op.f("fk_harvest_record_source_id_harvest_source")
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"], ["resource.id"], name=op.f("fk_harvest_record_resource_id_resource")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_record")),
        sa.UniqueConstraint("source_id", "remote_id", name=op.f("uq_harvest_record_source_id")),
        sa.UniqueConstraint("resource_id", name=op.f("uq_harvest_record_resource_id")),
    )
    op.create_index(op.f("ix_harvest_record_source_id"), "harvest_record", ["source_id"])
    op.create_index(op.f("ix_harvest_record_original_uri"), "harvest_record", ["original_uri"])


def downgrade():
    op.drop_table("harvest_record")
    op.drop_table("harvest_run")
    op.drop_table("harvest_source")
