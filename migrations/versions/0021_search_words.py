"""The catalog's own vocabulary for "¿Quiso decir …?": the words of published titles and
keywords, matched by trigram similarity (pg_trgm on PostgreSQL, a trigram table on SQLite).

Revision ID: 0021_search_words
Revises: 0020_reviewed_on
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_search_words"
down_revision = "0020_reviewed_on"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    op.create_table(
        "search_word",
        sa.Column("word", sa.String(100), primary_key=True),  # folded: the key
        sa.Column("display", sa.String(100), nullable=False),  # as written, accents kept
    )
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_search_word_trgm ON search_word USING gin (word gin_trgm_ops)")
    else:
        op.create_table(
            "search_word_trigram",
            sa.Column("trigram", sa.String(3), primary_key=True),
            sa.Column("word", sa.String(100), primary_key=True),
        )
    _backfill(bind)


def _backfill(bind):
    """The words of what is already published, by the rule the application applies."""
    from catalog.search.words import trigrams, words_of

    texts = [
        r[0] for r in bind.execute(sa.text("SELECT title FROM resource WHERE status = 'published'"))
    ]
    texts += [
        r[0]
        for r in bind.execute(
            sa.text(
                "SELECT k.keyword FROM resource_keyword AS k JOIN resource AS r "
                "ON r.id = k.resource_id WHERE r.status = 'published'"
            )
        )
    ]
    found = words_of(texts)
    if not found:
        return
    words = sa.table("search_word", sa.column("word"), sa.column("display"))
    rows = [{"word": w, "display": d} for w, d in sorted(found.items())]
    for start in range(0, len(rows), 1000):
        bind.execute(words.insert(), rows[start : start + 1000])
    if bind.dialect.name != "postgresql":
        grams = sa.table("search_word_trigram", sa.column("trigram"), sa.column("word"))
        rows = [{"trigram": t, "word": w} for w in sorted(found) for t in sorted(trigrams(w))]
        for start in range(0, len(rows), 1000):
            bind.execute(grams.insert(), rows[start : start + 1000])


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        op.drop_table("search_word_trigram")
    op.drop_table("search_word")
