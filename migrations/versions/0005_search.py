"""Full-text search index: SQLite FTS5 / PostgreSQL tsvector (Spanish).

Revision ID: 0005_search
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_search"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # title, the rest (description, keywords, publisher, good practice): original text,
        # accent- and case-insensitive matching through the tokenizer
        op.execute(
            "CREATE VIRTUAL TABLE resource_fts USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    else:
        op.create_table(
            "resource_search",
            sa.Column("resource_id", sa.Integer,
                      sa.ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True),
            sa.Column("folded_title", sa.Text, nullable=False),
            sa.Column("folded_body", sa.Text, nullable=False),
        )
        op.execute(
            "ALTER TABLE resource_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('spanish', folded_title), 'A') || "
            "setweight(to_tsvector('spanish', folded_body), 'B')) STORED"
        )
        op.create_index("ix_resource_search_tsv", "resource_search", ["tsv"],
                        postgresql_using="gin")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE resource_fts")
    else:
        op.drop_table("resource_search")
