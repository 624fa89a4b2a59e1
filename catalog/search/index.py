"""Keep the search index in step with resources (called on every write)."""

from __future__ import annotations

from sqlalchemy import text

from ..extensions import db
from ..markdown import markdown_to_text
from ..models import Resource
from ..text import fold
from . import words
from .entries import refresh_entry


def document(resource: Resource) -> tuple[str, str]:
    """(title, body): what search looks in — description, keywords, publisher, good practice."""
    parts = [markdown_to_text(resource.description)]
    parts += resource.keyword_list
    parts += [resource.publisher.name, resource.publisher.acronym or ""]
    if resource.publisher.parent is not None:
        parts.append(resource.publisher.parent.name)
    if resource.norm_number:
        parts.append(resource.norm_number)
    practice = resource.good_practice
    if practice is not None:
        for name in (
            "process",
            "team",
            "baseline",
            "contribution",
            "dissemination",
            "other_aspects",
            "stability_changes",
            "continuity_means",
            "elements_to_keep",
        ):
            parts.append(getattr(practice, name) or "")
        for name in ("target_population", "objectives", "results", "challenges", "conclusions"):
            parts += list(getattr(practice, name) or [])
        parts += [b.get("benefit", "") for b in practice.benefits or []]
    return resource.title, "\n".join(p for p in parts if p)


def index_resource(resource: Resource) -> None:
    """Refresh the resource's full-text document and its search entry (facets, sort keys)."""
    if resource.id is None:
        db.session.flush()
    title, body = document(resource)
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DELETE FROM resource_fts WHERE rowid = :id"), {"id": resource.id})
        db.session.execute(
            text("INSERT INTO resource_fts (rowid, title, body) VALUES (:id, :title, :body)"),
            {"id": resource.id, "title": title, "body": body},
        )
    else:
        db.session.execute(
            text(
                "INSERT INTO resource_search (resource_id, folded_title, folded_body) "
                "VALUES (:id, :title, :body) ON CONFLICT (resource_id) DO UPDATE SET "
                "folded_title = EXCLUDED.folded_title, folded_body = EXCLUDED.folded_body"
            ),
            {"id": resource.id, "title": fold(title), "body": fold(body)},
        )
    refresh_entry(resource)
    words.remember(resource)
