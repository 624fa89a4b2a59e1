"""Search entries and facet combinations: facet counts as one GROUP BY (issue #5 speed).

Backfills an entry for every published resource (same rules as catalog.search.facets).

Revision ID: 0009_search_facets
Revises: 0005_search
"""

import hashlib
import json
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

import catalog.models.types

revision = "0009_search_facets"
down_revision = "0005_search"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade():
    json_type = catalog.models.types.JSONType
    op.create_table(
        "facet_combination",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("publisher_id", sa.Integer, sa.ForeignKey("publisher.id"), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("license", sa.String(40), nullable=True),
        sa.Column("categories", json_type, nullable=False),
        sa.Column("policies", json_type, nullable=False),
        sa.Column("formats", json_type, nullable=False),
    )
    op.create_table(
        "search_entry",
        sa.Column(
            "resource_id",
            sa.Integer,
            sa.ForeignKey("resource.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "combination_id", sa.Integer, sa.ForeignKey("facet_combination.id"), nullable=False
        ),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("sort_date", sa.Date, nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_search_entry_combination", "search_entry", ["combination_id"])
    op.create_index(
        "ix_search_entry_date", "search_entry", ["sort_date", "updated_at", "resource_id"]
    )
    op.create_index("ix_search_entry_title", "search_entry", ["title", "resource_id"])
    _backfill(op.get_bind())


def _backfill(bind):
    """An entry for every published resource; one combination per distinct set of values."""
    json_type = catalog.models.types.JSONType
    combination = sa.table(
        "facet_combination",
        *(sa.column(name, sa.Integer) for name in ("id", "publisher_id", "year")),
        *(sa.column(name, sa.String) for name in ("key", "type", "license")),
        *(sa.column(name, json_type) for name in ("categories", "policies", "formats")),
    )
    entry = sa.table(
        "search_entry",
        *(sa.column(name, sa.Integer) for name in ("resource_id", "combination_id")),
        sa.column("title", sa.String),
        sa.column("sort_date", sa.Date),
        sa.column("updated_at", sa.DateTime),
    )
    resource = sa.table(
        "resource",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("publisher_id", sa.Integer),
        sa.column("type", sa.String),
        sa.column("issued", sa.Date),
        sa.column("modified", sa.Date),
        sa.column("license", sa.String),
        sa.column("title", sa.String),
        sa.column("updated_at", sa.DateTime),
    )
    theme = sa.table(
        "resource_theme",
        sa.column("resource_id", sa.Integer),
        sa.column("scheme", sa.String),
        sa.column("concept_uri", sa.String),
    )
    distribution = sa.table(
        "distribution", sa.column("resource_id", sa.Integer), sa.column("format", sa.String)
    )
    published = sa.select(resource.c.id).where(resource.c.status == "published")
    themes = defaultdict(list)
    for rid, scheme, uri in bind.execute(
        sa.select(theme.c.resource_id, theme.c.scheme, theme.c.concept_uri).where(
            theme.c.resource_id.in_(published)
        )
    ):
        themes[rid].append((scheme, uri))
    formats = defaultdict(set)
    for rid, fmt in bind.execute(
        sa.select(distribution.c.resource_id, distribution.c.format).where(
            distribution.c.resource_id.in_(published), distribution.c.format.is_not(None)
        )
    ):
        formats[rid].add(fmt)
    ids: dict[str, int] = {}
    entries = []
    rows = bind.execute(
        sa.select(resource).where(resource.c.status == "published").order_by(resource.c.id)
    ).all()
    for row in rows:
        values = {
            "publisher_id": row.publisher_id,
            "type": row.type,
            "year": row.issued.year if row.issued else None,
            "license": row.license,
            "categories": sorted({u for s, u in themes[row.id] if s == "datos-gov-co"}),
            "policies": sorted({u for s, u in themes[row.id] if s == "mipg"}),
            "formats": sorted(formats[row.id]),
        }
        key = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()
        if key not in ids:
            ids[key] = len(ids) + 1
            bind.execute(sa.insert(combination).values(id=ids[key], key=key, **values))
        entries.append(
            {
                "resource_id": row.id,
                "combination_id": ids[key],
                "title": row.title,
                "sort_date": row.modified or row.issued,
                "updated_at": row.updated_at,
            }
        )
        if len(entries) >= BATCH:
            bind.execute(sa.insert(entry), entries)
            entries = []
    if entries:
        bind.execute(sa.insert(entry), entries)
    if ids and bind.dialect.name == "postgresql":  # ids were given: move the sequence on
        bind.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('facet_combination', 'id'), "
                "(SELECT max(id) FROM facet_combination))"
            )
        )


def downgrade():
    op.drop_table("search_entry")
    op.drop_table("facet_combination")
