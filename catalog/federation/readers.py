"""Each kind of source, read page by page into records (catalog.rdf.reader.Record).

- ``dcat``: Turtle, RDF/XML, JSON-LD or N-Triples, following Hydra `next` links;
- ``ckan``: the Action API's `package_search`, paged by `rows`/`start`;
- ``datajson``: DCAT-US 1.1 as datos.gov.co (Socrata) and ArcGIS Hub serve it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from flask import current_app
from rdflib import Graph

from ..fetcher import DEADLINE, MAX_DOCUMENT, Document, FetchError, allowed_hosts, fetch
from ..markdown import html_to_markdown
from ..models import HarvestSource
from ..rdf.namespaces import HYDRA
from ..rdf.reader import Record, Unreadable, next_page, parse, records
from ..registry import BY_NAME

RDF_ACCEPT = (
    "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, "
    "application/n-triples;q=0.7, */*;q=0.1"
)
MAX_PAGES = 2000
CKAN_ROWS = 100
THEMES = BY_NAME["themes"].schemes
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class SourceFailed(Exception):
    """The source itself failed (unreachable, not parseable): the run changes nothing."""


def _vocab():
    return current_app.extensions["vocab"]


def _get(url: str, accept: str) -> Document:
    config = current_app.config
    allow = allowed_hosts(config.get("CATALOG_FETCH_ALLOW_HOSTS"))
    try:
        return fetch(
            url,
            accept=accept,
            allow=allow,
            max_bytes=int(config.get("CATALOG_FETCH_MAX_BYTES") or MAX_DOCUMENT),
            deadline=float(config.get("CATALOG_FETCH_DEADLINE") or DEADLINE),
        )
    except FetchError as error:
        raise SourceFailed(f"{url}: {error}") from None


def _max_pages() -> int:
    return int(current_app.config.get("CATALOG_HARVEST_MAX_PAGES") or MAX_PAGES)


def _json(document: Document) -> Any:
    try:
        return json.loads(document.body)
    except (ValueError, RecursionError):
        raise SourceFailed(f"{document.url}: no es JSON válido") from None


def pages(source: HarvestSource, since: datetime | None = None) -> Iterator[list[Record]]:
    """The source's records, page by page; with `since`, only what changed since then where
    the source can say so (CKAN's metadata_modified; a DCAT dump that advertises
    `modified_since`, as this catalog's do); a source that cannot lists everything."""
    if source.kind == "ckan":
        yield from _ckan(source, since)
    elif source.kind == "dcat":
        yield from _dcat(source, since)
    else:
        yield from _datajson(source)


def _stamp(since: datetime) -> str:
    return since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------ DCAT


def _since_url(graph: Graph, url: str, since: datetime) -> str | None:
    """The dump's own address filtered by `modified_since`, when its hydra:search template
    offers that variable for this very address."""
    for _, _, template in graph.triples((None, HYDRA.search, None)):
        variables = {
            str(v)
            for mapping in graph.objects(template, HYDRA.mapping)
            for v in graph.objects(mapping, HYDRA.variable)
        }
        for text in graph.objects(template, HYDRA.template):
            base = str(text).split("{", 1)[0]
            if "modified_since" in variables and base == url.split("?", 1)[0]:
                joiner = "&" if "?" in url else "?"
                return f"{url}{joiner}modified_since={quote(_stamp(since))}"
    return None


def _dcat(source: HarvestSource, since: datetime | None = None) -> Iterator[list[Record]]:
    url: str | None = source.url
    seen: set[str] = set()
    asked_since = since is None or "modified_since=" in (url or "")
    while url:
        if url in seen:
            raise SourceFailed(f"la página {url} se repite: la cosecha se detiene")
        if len(seen) >= _max_pages():
            raise SourceFailed(f"más de {_max_pages()} páginas: la cosecha se detiene")
        seen.add(url)
        document = _get(url, RDF_ACCEPT)
        try:
            graph = parse(document.body, document.content_type, document.url)
        except Unreadable as error:
            raise SourceFailed(f"{url}: {error}") from None
        if not asked_since:
            asked_since = True
            assert since is not None
            filtered = _since_url(graph, url, since)
            if filtered is not None:  # start again, asking only for what changed
                url = filtered
                continue
        yield list(records(graph, _vocab(), (source.filters or {}).get("publisher")))
        url = next_page(graph, url)


# ------------------------------------------------------------------ shared


def _date(value: Any) -> str | None:
    text = str(value or "").strip()
    return text[:10] if DATE.match(text) else None


def _keywords(values: Any) -> list[str]:
    if isinstance(values, str):
        values = [v for v in re.split(r"[,;]", values)]
    words = [" ".join(str(v).split())[:100] for v in values or [] if str(v).strip()]
    return list(dict.fromkeys(words))


def _match(scheme: str | tuple[str, ...], value: Any, field: str, record: Record) -> str | None:
    """A concept's notation (or URI, for themes) from a remote value; reported when none."""
    if value in (None, "", []):
        return None
    keys = (scheme,) if isinstance(scheme, str) else scheme
    concept = _vocab().match(keys, str(value))
    if concept is None:
        record.approximated.append({"field": field, "value": str(value)[:300]})
        return None
    return concept.uri if len(keys) > 1 else concept.notation


def _themes(values: list[str], record: Record) -> None:
    """Themes matched to our schemes; the rest kept as keywords (and reported)."""
    for value in values:
        concept = _vocab().match(THEMES, value)
        if concept is not None:
            record.data.setdefault("themes", []).append(concept.uri)
        else:
            record.approximated.append({"field": "themes", "value": value[:300]})
            if not value.startswith(("http://", "https://")):
                record.data.setdefault("keywords", []).append(value[:100])


def _url(value: Any) -> str | None:
    text = str(value or "").strip()
    return text if text.startswith(("http://", "https://")) and " " not in text else None


# ------------------------------------------------------------------ CKAN


def _ckan_base(url: str) -> str:
    base = url.split("/api/3/action")[0].split("/api/action")[0]
    return base.rstrip("/")


def _ckan(source: HarvestSource, since: datetime | None = None) -> Iterator[list[Record]]:
    base = _ckan_base(source.url)
    organization = (source.filters or {}).get("organization")
    clauses = [f'organization:"{organization}"'] if organization else []
    if since is not None:
        clauses.append(f"metadata_modified:[{_stamp(since)} TO *]")
    start, total = 0, None
    for _ in range(_max_pages()):
        query = f"rows={CKAN_ROWS}&start={start}&sort={quote('id asc')}"
        if clauses:
            query += "&fq=" + quote(" ".join(clauses))
        document = _get(f"{base}/api/3/action/package_search?{query}", "application/json")
        answer = _json(document)
        if not isinstance(answer, dict) or not answer.get("success"):
            raise SourceFailed(f"{document.url}: la API de CKAN no respondió con éxito")
        result = answer.get("result") or {}
        packages = result.get("results") or []
        total = result.get("count", 0) if total is None else total
        yield [_package(base, p) for p in packages if isinstance(p, dict)]
        start += len(packages)
        if not packages or start >= total:
            return
    raise SourceFailed(f"más de {_max_pages()} páginas: la cosecha se detiene")


def _package(base: str, package: dict[str, Any]) -> Record:
    extras = {
        str(e.get("key")): e.get("value")
        for e in package.get("extras") or []
        if isinstance(e, dict)
    }
    name = str(package.get("name") or package.get("id") or "")
    page = _url(package.get("url")) or f"{base}/dataset/{name}"
    uri = (
        _url(extras.get("original_uri"))
        or _url(extras.get("uri"))
        or f"{base}/dataset/{package.get('id') or name}"
    )
    record = Record(
        remote_id=str(package.get("id") or name),
        original_uri=uri,
        original_page=page,
        data={},
        also_known_as=[
            uri,
            str(extras.get("guid") or ""),
            str(extras.get("original_uri") or ""),
            str(package.get("id") or ""),
        ],
    )
    data = record.data
    data["title"] = " ".join(str(package.get("title") or name).split())
    data["description"] = html_to_markdown(package.get("notes")) or None
    data["keywords"] = _keywords(
        [t.get("name") for t in package.get("tags") or [] if isinstance(t, dict)]
    )
    _themes(
        [
            str(g.get("title") or g.get("name"))
            for g in package.get("groups") or []
            if isinstance(g, dict)
        ],
        record,
    )
    data["type"] = _match("resource-types", extras.get("dcat_type"), "type", record) or (
        "conjunto-datos"
    )
    data["license"] = _match("licences", package.get("license_id"), "license", record)
    data["issued"] = _date(extras.get("issued")) or _date(package.get("metadata_created"))
    data["modified"] = _date(extras.get("modified")) or _date(package.get("metadata_modified"))
    data["accrual_periodicity"] = _match(
        "frequencies", extras.get("frequency"), "accrual_periodicity", record
    )
    data["version_label"] = (str(package.get("version") or "").strip()[:60]) or None
    data["contact_name"] = (str(package.get("maintainer") or "").strip()[:200]) or None
    email = str(package.get("maintainer_email") or package.get("author_email") or "").strip()
    data["contact_email"] = email if EMAIL.match(email) else None
    data["access_rights"] = _match(
        "access-rights", extras.get("access_rights"), "access_rights", record
    )
    data["spatial"] = _url(extras.get("spatial_uri"))
    data["distributions"] = [
        d
        for r in package.get("resources") or []
        if isinstance(r, dict)
        if (d := _ckan_resource(r, record))
    ]
    return record


def _ckan_resource(resource: dict[str, Any], record: Record) -> dict[str, Any] | None:
    url = _url(resource.get("url"))
    download = _url(resource.get("download_url"))
    if not (url or download):
        return None
    media = str(resource.get("mimetype") or "").strip().lower()
    return {
        "access_url": url or download,
        "download_url": download or (url if resource.get("url_type") == "upload" else None),
        "title": (" ".join(str(resource.get("name") or "").split())[:300]) or None,
        "description": html_to_markdown(resource.get("description")) or None,
        "format": _match("file-types", resource.get("format"), "distributions.format", record),
        "media_type": media if re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", media) else None,
    }


# ------------------------------------------------------------------ data.json (DCAT-US)

ACCESS = {"public": "publica"}


def _datajson(source: HarvestSource) -> Iterator[list[Record]]:
    document = _get(source.url, "application/json")
    answer = _json(document)
    datasets = answer.get("dataset") if isinstance(answer, dict) else None
    if not isinstance(datasets, list):
        raise SourceFailed(f"{document.url}: no es un catálogo data.json (falta «dataset»)")
    yield [_dataset(d) for d in datasets if isinstance(d, dict)]


def _dataset(item: dict[str, Any]) -> Record:
    identifier = str(item.get("identifier") or "").strip()
    page = _url(item.get("landingPage"))
    uri = _url(item.get("originalIdentifier")) or _url(identifier) or page
    record = Record(
        remote_id=identifier or page or str(item.get("title")),
        original_uri=uri,
        original_page=page,
        data={},
        also_known_as=[identifier, page or "", str(item.get("originalIdentifier") or "")],
    )
    data = record.data
    data["title"] = " ".join(str(item.get("title") or identifier).split())
    data["description"] = html_to_markdown(item.get("description")) or None
    data["keywords"] = _keywords(item.get("keyword"))
    themes = item.get("theme") or []
    _themes([str(t) for t in (themes if isinstance(themes, list) else [themes])], record)
    data["type"] = "conjunto-datos"
    data["issued"] = _date(item.get("issued"))
    data["modified"] = _date(item.get("modified"))
    data["accrual_periodicity"] = _match(
        "frequencies", item.get("accrualPeriodicity"), "accrual_periodicity", record
    )
    data["license"] = _match(
        "licences", _url(item.get("license")) or item.get("license"), "license", record
    )
    level = str(item.get("accessLevel") or "public")
    data["access_rights"] = ACCESS.get(level)
    if level not in ACCESS:
        data["_refuse"] = f"accessLevel «{level}»: solo se cosecha información pública"
    spatial = item.get("spatial")
    data["spatial"] = _url(spatial)
    if spatial and not data["spatial"]:
        record.approximated.append({"field": "spatial", "value": str(spatial)[:300]})
    temporal = str(item.get("temporal") or "")
    if "/" in temporal:
        start, _, end = temporal.partition("/")
        data["temporal_start"], data["temporal_end"] = _date(start), _date(end)
    found = item.get("contactPoint")
    contact: dict[str, Any] = found if isinstance(found, dict) else {}
    data["contact_name"] = (" ".join(str(contact.get("fn") or "").split())[:200]) or None
    email = str(contact.get("hasEmail") or "").removeprefix("mailto:").strip()
    data["contact_email"] = email if EMAIL.match(email) else None
    languages = item.get("language") or []
    data["languages"] = [
        n
        for code in (languages if isinstance(languages, list) else [languages])
        if (
            n := _match("languages", str(code).split("-")[0] if code else code, "languages", record)
        )
    ]
    data["conforms_to"] = _url(item.get("conformsTo"))
    data["distributions"] = [
        d
        for dist in item.get("distribution") or []
        if isinstance(dist, dict)
        if (d := _distribution(dist, record))
    ]
    return record


def _distribution(item: dict[str, Any], record: Record) -> dict[str, Any] | None:
    download = _url(item.get("downloadURL"))
    access = _url(item.get("accessURL"))
    if not (download or access):
        return None
    media = str(item.get("mediaType") or "").strip().lower()
    return {
        "access_url": access or download,
        "download_url": download,
        "title": (" ".join(str(item.get("title") or "").split())[:300]) or None,
        "description": html_to_markdown(item.get("description")) or None,
        "media_type": media if re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", media) else None,
        "format": _match(
            "file-types", item.get("format") or media or None, "distributions.format", record
        ),
    }
