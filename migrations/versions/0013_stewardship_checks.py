"""Stewardship checks beside the quality score.

When each resource's next update is due by its accrual periodicity (derived, backfilled here),
and the last re-hash of each hosted file.

Revision ID: 0013_stewardship_checks
Revises: 0012_workspace_indexes
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

import catalog.models.types

revision = "0013_stewardship_checks"
down_revision = "0012_workspace_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("resource") as batch:
        batch.add_column(sa.Column("update_due_on", sa.Date()))
    op.create_table(
        "file_check",
        sa.Column(
            "distribution_id",
            sa.Integer(),
            sa.ForeignKey(
                "distribution.id",
                ondelete="CASCADE",
                name="fk_file_check_distribution_id_distribution",
            ),
            primary_key=True,
        ),
        sa.Column("checked_at", catalog.models.types.UTCDateTime(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("problem", sa.String(200)),
        sa.PrimaryKeyConstraint("distribution_id", name="pk_file_check"),
    )
    _backfill()


def _backfill():
    """update_due_on for existing resources, by the same rule the application applies."""
    from types import SimpleNamespace

    from catalog import VOCAB_DIR
    from catalog.services.derived import update_due
    from catalog.vocab import load_vocabularies

    vocab = load_vocabularies(VOCAB_DIR)
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, accrual_periodicity, modified, issued FROM resource "
            "WHERE accrual_periodicity IS NOT NULL"
        )
    ).all()
    resource = sa.table("resource", sa.column("id"), sa.column("update_due_on"))
    by_due: dict[date, list[int]] = {}
    for row in rows:
        values = SimpleNamespace(
            accrual_periodicity=row.accrual_periodicity,
            modified=_date(row.modified),
            issued=_date(row.issued),
        )
        due = update_due(values, vocab)
        if due is not None:
            by_due.setdefault(due, []).append(row.id)
    for due, ids in by_due.items():  # one UPDATE per date, in chunks of ids
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            bind.execute(
                resource.update().where(resource.c.id.in_(chunk)).values(update_due_on=due)
            )


def _date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def downgrade():
    op.drop_table("file_check")
    # a plain DROP COLUMN (SQLite >= 3.35): a batch rebuild of `resource` would have to drop a
    # table other tables reference while foreign keys are enforced
    op.drop_column("resource", "update_due_on")
