"""Turn resources into an RSS 2.0 or Atom document with feedgen."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from functools import lru_cache

from feedgen.feed import FeedGenerator
from flask import current_app
from lxml import etree

from .. import urls
from ..extensions import db
from ..markdown import markdown_to_text
from ..models import Resource
from ..rdf.mapping import distribution_urls
from ..text import strip_unsafe, truncate

MEDIA = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def clean(value: str | None) -> str:
    """Text XML can carry: no control characters, non-characters or bidi overrides."""
    return strip_unsafe(value or "")


@lru_cache(maxsize=8192)
def plain_summary(description: str) -> str:
    """Plain text of a Markdown description, cut to 600 characters (memoised: feeds
    rebuild often from the same descriptions, and Markdown parsing dominates a build)."""
    return truncate(clean(markdown_to_text(description)), 600)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def change_note(resource: Resource, revision) -> str | None:
    """'Actualizado: …' when the newest revision is an update, None for a new resource."""
    if revision is None or revision.action == "create" or revision.seq <= 1:
        return None
    if revision.action == "published" and getattr(revision, "first_publication", False):
        return None  # its first appearance in any feed: nothing was "updated"
    summary = clean(revision.summary).strip().rstrip(".")
    return f"Actualizado: {summary}." if summary else "Actualizado."


def _catalog_newest() -> datetime:
    """An empty feed is as new as the catalog's latest change (never a made-up date)."""
    newest = db.session.execute(db.select(db.func.max(Resource.updated_at))).scalar_one()
    return _aware(newest) if newest else datetime.now(UTC).replace(microsecond=0)


def _add_entry(fg, resource: Resource, vocab, changes: dict, summaries) -> list[dict[str, str]]:
    """One resource as a feed entry; returns its links (Atom carries every enclosure)."""
    links: list[dict[str, str]] = []
    entry = fg.add_entry()
    uri = urls.resource_uri(resource.slug)
    entry.id(uri)
    entry.guid(uri, permalink=False)
    entry.title(clean(resource.title))
    page = urls.resource_page(resource.slug)
    entry.link(href=page, rel="alternate", type="text/html")
    links.append({"href": page, "rel": "alternate", "type": "text/html"})
    stored = (summaries or {}).get(resource.id)
    summary = stored if stored else plain_summary(resource.description or "")
    note = change_note(resource, changes.get(resource.id))
    text = (note + " " if note else "") + (summary or clean(resource.title))
    # Readers render RSS descriptions as HTML: send the plain text HTML-escaped (and say
    # so in Atom), so text that looks like markup is shown, never interpreted.
    entry.summary(html.escape(text, quote=False), type="html")
    entry.published(_aware(resource.published_at or resource.created_at))
    entry.updated(_aware(resource.updated_at))
    entity = resource.publisher
    author = {"name": clean(entity.name)}
    if entity.email:
        author["email"] = entity.email
    entry.author(author)
    type_concept = vocab["resource-types"].get(resource.type)
    if type_concept is not None:
        entry.category(
            term=type_concept.uri,
            label=type_concept.label("es"),
            scheme=vocab["resource-types"].uri,
        )
    for theme in resource.themes:
        concept = vocab.concept(theme.concept_uri)
        if concept is not None:
            entry.category(
                term=concept.uri, label=concept.label("es"), scheme=vocab[concept.scheme].uri
            )
    for dist in resource.distributions:
        _, download = distribution_urls(dist)
        if download:
            enclosure = {
                "href": download,
                "rel": "enclosure",
                "type": dist.media_type or "application/octet-stream",
                "length": str(dist.byte_size or 0),
            }
            links.append(enclosure)
            if len([x for x in links if x["rel"] == "enclosure"]) == 1:
                # RSS 2.0 carries one enclosure per item: the first document
                entry.enclosure(url=download, length=enclosure["length"], type=enclosure["type"])
    return links


def build_feed(
    *,
    fmt: str,
    title: str,
    description: str,
    self_url: str,
    page_url: str,
    resources: list[Resource],
    changes: dict,
    next_url: str | None,
    first_url: str,
    updated: datetime | None,
    summaries: dict[int, str] | None = None,
) -> bytes:
    vocab = current_app.extensions["vocab"]
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(clean(title))
    fg.subtitle(clean(description))  # RSS <description>, Atom <subtitle>
    fg.language("es-CO")
    fg.link(href=self_url, rel="self", type=MEDIA[fmt])
    fg.link(href=first_url, rel="first", type=MEDIA[fmt])
    if next_url:
        fg.link(href=next_url, rel="next", type=MEDIA[fmt])
    fg.link(href=page_url, rel="alternate", type="text/html")  # last: RSS's <link>
    fg.author({"name": "Secretaría General de la Alcaldía Mayor de Bogotá D.C."})
    fg.generator("Catálogo de Gestión Pública Distrital")
    fg.rights("CC BY 4.0 salvo indicación contraria en cada recurso")
    fg.updated(_aware(updated) if updated else _catalog_newest())
    entry_links: list[list[dict[str, str]]] = []
    # feedgen prepends entries: add oldest first so the document lists newest first
    for resource in reversed(resources):
        entry_links.insert(0, _add_entry(fg, resource, vocab, changes, summaries))
    if fmt == "rss":
        return _rss_paging(fg.rss_str(pretty=False), first_url, next_url)
    return _atom_entry_links(fg.atom_str(pretty=False), entry_links)


ATOM = "http://www.w3.org/2005/Atom"


def _atom_entry_links(document: bytes, entry_links: list[list[dict[str, str]]]) -> bytes:
    """Write each entry's links with their rel/type/length (feedgen 1.0 drops them)."""
    root = etree.fromstring(document)
    entries = root.findall(f"{{{ATOM}}}entry")
    for entry, links in zip(entries, entry_links, strict=True):
        for old in entry.findall(f"{{{ATOM}}}link"):
            entry.remove(old)
        for link in links:
            etree.SubElement(entry, f"{{{ATOM}}}link", link)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _rss_paging(document: bytes, first_url: str, next_url: str | None) -> bytes:
    """RFC 5005 paging links in RSS, as atom:link elements of the channel."""
    root = etree.fromstring(document)
    channel = root.find("channel")
    for rel, href in (("first", first_url), ("next", next_url)):
        if href and channel is not None:
            etree.SubElement(
                channel, f"{{{ATOM}}}link", {"rel": rel, "href": href, "type": MEDIA["rss"]}
            )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
