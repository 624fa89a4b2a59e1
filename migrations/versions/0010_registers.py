"""Ley 1712 registers: the resource's "categoría de información" (Registro de Activos).

Revision ID: 0010_registers
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_registers"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("resource") as batch:
        batch.add_column(sa.Column("information_category", sa.String(40), nullable=True))


def downgrade():
    with op.batch_alter_table("resource") as batch:
        batch.drop_column("information_category")
