"""Access exceptions (Ley 1712, arts. 18, 19, 21 and 22): what the Índice de Información
Clasificada y Reservada needs of a classified or reserved resource.

Revision ID: 0014_access_exceptions
Revises: 0013_stewardship_checks
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_access_exceptions"
down_revision = "0013_stewardship_checks"
branch_labels = None
depends_on = None

COLUMNS = ("exception_ground", "exception_legal_basis", "exception_scope", "exception_until")


def upgrade():
    # plain ADD COLUMN (nullable, no default): no table rebuild on SQLite
    op.add_column("resource", sa.Column("exception_ground", sa.String(40)))
    op.add_column("resource", sa.Column("exception_legal_basis", sa.Text()))
    op.add_column("resource", sa.Column("exception_scope", sa.String(20)))
    op.add_column("resource", sa.Column("exception_until", sa.Date()))
    # the few classified/reserved resources, found without scanning an entity's whole list
    op.create_index("ix_resource_access_rights", "resource", ["access_rights"])


def downgrade():
    op.drop_index("ix_resource_access_rights", table_name="resource")
    # plain DROP COLUMN (SQLite >= 3.35): a batch rebuild of `resource` would have to drop a
    # table other tables reference while foreign keys are enforced
    for name in reversed(COLUMNS):
        op.drop_column("resource", name)
