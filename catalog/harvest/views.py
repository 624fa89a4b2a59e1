"""/catalog.{ext} (paged and full), /data.json, /retirados.json, /sitemap.xml, /robots.txt."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from flask import Response, current_app, redirect, request, stream_with_context, url_for

from .. import cursors, urls
from ..errors import BadRequest, NotFound
from ..extensions import db
from ..models import PUBLISHED, WITHDRAWN, Publisher, Resource, ResourceFragment, ResourceTheme
from ..rdf.catalog_node import catalog_graph, paging_view_graph, parse_nt
from ..rdf.formats import FORMATS, asks_for_html, negotiate
from ..rdf.fragments import render_header, render_header_split
from . import bp
from .stream import document, iter_rows, stamp

CATALOG_MEDIA = {ext: media for ext, (_, media) in FORMATS.items()}


# ------------------------------------------------------------------ parameters


def _cursor(value: str | None) -> int:
    if not value:
        return 0
    try:
        return cursors.decode_id(value)
    except ValueError:
        raise BadRequest("El parámetro «after» no es un cursor válido.") from None


def _page_size() -> int | None:
    raw = request.args.get("page_size")
    default = current_app.config["CATALOG_PAGE_SIZE"]
    cap = current_app.config["CATALOG_MAX_PAGE_SIZE"]
    if raw is None:
        return default
    if raw == "all":
        return None
    try:
        size = int(raw)
    except ValueError:
        raise BadRequest(f"page_size debe ser un entero entre 1 y {cap}, o «all».") from None
    if not 1 <= size <= cap:
        raise BadRequest(f"page_size debe estar entre 1 y {cap} (o «all» para todo).")
    return size


def _parse_since(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(
            "modified_since debe ser una fecha ISO 8601, por ejemplo 2025-01-31 o "
            "2025-01-31T12:00:00Z."
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def filters() -> tuple[list, dict[str, str]]:
    """Conditions from modified_since, publisher, theme and type; and the kept parameters."""
    conditions: list = []
    kept: dict[str, str] = {}
    vocab = current_app.extensions["vocab"]
    known = {"modified_since", "publisher", "theme", "type", "page_size", "after"}
    unknown = sorted(set(request.args) - known)
    if unknown:
        raise BadRequest(
            f"Parámetro desconocido: {', '.join(unknown)}. Use: {', '.join(sorted(known))}."
        )
    if request.args.get("modified_since"):
        since = _parse_since(request.args["modified_since"])
        conditions.append(Resource.updated_at >= since)
        kept["modified_since"] = request.args["modified_since"]
    if request.args.get("publisher"):
        publisher = Publisher.by_slug(request.args["publisher"])
        if publisher is None:
            raise BadRequest("publisher: no existe una entidad con ese identificador.")
        ids = publisher.family_ids
        conditions.append(Resource.publisher_id.in_(ids))
        kept["publisher"] = publisher.slug
    if request.args.get("theme"):
        concept = vocab.resolve(request.args["theme"])
        if concept is None:
            raise BadRequest("theme: tema desconocido (use la URI o «esquema/notación»).")
        uris = [concept.uri]
        if concept.scheme == "eu-themes" and "datos-gov-co" in vocab:
            uris += [c.uri for c in vocab["datos-gov-co"].concepts if concept.uri in c.matches]
        conditions.append(
            Resource.id.in_(
                db.select(ResourceTheme.resource_id).where(ResourceTheme.concept_uri.in_(uris))
            )
        )
        kept["theme"] = request.args["theme"]
    if request.args.get("type"):
        if vocab["resource-types"].get(request.args["type"]) is None:
            raise BadRequest("type: tipo de recurso desconocido.")
        conditions.append(Resource.type == request.args["type"])
        kept["type"] = request.args["type"]
    return conditions, kept


# ------------------------------------------------------------------ the catalog


def _conditional(response: Response, etag: str, modified: datetime | None) -> Response:
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "public, max-age=60"
    return response.make_conditional(request)  # type: ignore


@bp.get("/catalog")
def catalog_negotiate():
    if asks_for_html(request):  # a browser: the catalog's page, not Turtle
        return redirect(url_for("public.search_page"), 303)
    ext = negotiate(request) or "ttl"
    target = url_for("harvest.catalog_rdf", ext=ext, **request.args)  # type: ignore
    return redirect(target, 303)


@bp.get("/catalog.<ext>")
def catalog_rdf(ext: str):
    """The DCAT-AP catalog: Hydra-paged by a keyset cursor on the resource id (stable while
    resources change), or whole with page_size=all, streamed from stored fragments."""
    if ext not in FORMATS:
        raise NotFound("Formato desconocido: use ttl, rdf, jsonld o nt.")
    conditions, kept = filters()
    size = _page_size()
    if request.args.get("after") == "last" and size is not None:
        after = _last_after(size, kept) or 0
    else:
        after = _cursor(request.args.get("after"))
    total, newest, _ = stamp(conditions, key=repr(sorted(kept.items())))
    if size is None:
        tag = hashlib.sha256(
            f"{ext}|all|{sorted(kept.items())}|{total}|{newest}".encode()
        ).hexdigest()[:32]
        response = _conditional(Response(mimetype=CATALOG_MEDIA[ext]), tag, newest)
        if response.status_code == 304:
            return response
        header = _header(newest, kept, ext, None, after, total)
        body = stream_with_context(document(ext, header, iter_rows(conditions, 0, None, ext)))
        return _stream(body, ext, response)
    rows = list(iter_rows(conditions, after, size + 1, ext))
    more = len(rows) > size
    rows = rows[:size]
    page_versions = db.session.execute(
        db.select(Resource.id, Resource.lock_version).where(Resource.id.in_([r[0] for r in rows]))
    ).all()
    tag = hashlib.sha256(
        f"{ext}|{sorted(kept.items())}|{size}|{after}|{total}|{newest}|{sorted(page_versions)}".encode()
    ).hexdigest()[:32]
    response = _conditional(Response(mimetype=CATALOG_MEDIA[ext]), tag, newest)
    if response.status_code == 304:
        return response
    header = _header(newest, kept, ext, size, after, total, rows[-1][0] if more and rows else None)
    response.set_data("".join(document(ext, header, rows)))
    response.headers["Content-Type"] = f"{CATALOG_MEDIA[ext]}; charset=utf-8"
    return response


def _stream(body, ext: str, response: Response) -> Response:
    streamed = Response(body, mimetype=CATALOG_MEDIA[ext])
    for key in ("ETag", "Last-Modified", "Vary", "Cache-Control"):
        if key in response.headers:
            streamed.headers[key] = response.headers[key]
    streamed.headers["Content-Type"] = f"{CATALOG_MEDIA[ext]}; charset=utf-8"
    return streamed


def _page_url(ext: str, kept: dict[str, str], size: int | None, after: int | None) -> str:
    params = dict(kept)
    if size is not None and size != current_app.config["CATALOG_PAGE_SIZE"]:
        params["page_size"] = str(size)
    if after:
        params["after"] = cursors.encode_id(after)
    return urls.absolute(url_for("harvest.catalog_rdf", ext=ext, **params))  # type: ignore


def _header(newest, kept, ext, size, after, total, next_after=None) -> list:
    """The catalog node with its data services (rendered once per catalog state and format)
    and, for a page, the Hydra view."""
    parts: list[str | tuple[str, list[tuple[str, str]]]] = [
        _catalog_node(ext, newest, total, urls.base())
    ]
    if size is not None:
        previous = _previous_after(after, size, kept) if after else None
        g = paging_view_graph(
            _page_url(ext, kept, size, after),
            first=_page_url(ext, kept, size, None),
            following=_page_url(ext, kept, size, next_after) if next_after is not None else None,
            previous=_page_url(ext, kept, size, previous) if after else None,
            last=_last_url(ext, kept, size),
            search=urls.absolute(f"/catalog.{ext}"),
        )
        parts.append(render_header(g, ext))
    return parts


_catalog_nodes: dict[tuple, tuple[str, list[tuple[str, str]]]] = {}


def _catalog_node(
    ext: str, newest, total: int, base: str, render_as: str | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """(the catalog node and its services, the shared nodes they point at as blocks)."""
    render_as = render_as or ext
    key = (render_as, newest, total, base, current_app.config["CATALOG_TITLE"])
    cached = _catalog_nodes.get(key)
    if cached is not None:
        return cached
    # the Secretaría General described as its resources describe it (one block per document)
    owner = Publisher.by_slug("secretaria-general")
    g, catalog = catalog_graph(newest, total, owner)
    rendered = render_header_split(g, render_as, (str(catalog),))
    if len(_catalog_nodes) > 64:
        _catalog_nodes.clear()
    _catalog_nodes[key] = rendered
    return rendered


def header_for_export(newest, ext: str, total: int) -> list[str]:
    """The catalog node for a full dump written outside a request (catalog export-rdf)."""
    with current_app.test_request_context(f"/catalog.{ext}?page_size=all"):
        return _header(newest, {}, ext, None, 0, total)


def header_graph(newest, ext: str, total: int):
    """The same catalog node as a graph (tests compare documents with the mapping)."""
    with current_app.test_request_context(f"/catalog.{ext}?page_size=all"):
        own, shared = _catalog_node(ext, newest, total, urls.base(), render_as="nt")
    return parse_nt(own + "".join(text for _, text in shared))


def _last_url(ext: str, kept: dict[str, str], size: int) -> str:
    """hydra:last as a URI resolved only when fetched (finding it costs an offset scan)."""
    params = dict(kept)
    if size != current_app.config["CATALOG_PAGE_SIZE"]:
        params["page_size"] = str(size)
    params["after"] = "last"
    return urls.absolute(url_for("harvest.catalog_rdf", ext=ext, **params))  # type: ignore


def _ids_query(kept):
    conditions, _ = filters()
    return db.select(Resource.id).where(Resource.status == PUBLISHED, *conditions)


def _previous_after(after: int, size: int, kept) -> int | None:
    ids = (
        db.session.execute(
            _ids_query(kept)
            .where(Resource.id <= after)
            .order_by(Resource.id.desc())
            .limit(size + 1)
        )
        .scalars()
        .all()
    )
    return ids[size] if len(ids) > size else None


def _last_after(size: int, kept) -> int | None:
    total = db.session.execute(
        db.select(db.func.count()).select_from(_ids_query(kept).subquery())
    ).scalar_one()
    if total <= size:
        return None
    skip = ((total - 1) // size) * size
    return db.session.execute(
        _ids_query(kept).order_by(Resource.id).offset(skip - 1).limit(1)
    ).scalar_one()


# ------------------------------------------------------------------ data.json


@bp.get("/data.json")
def data_json():
    """DCAT-US 1.1 catalog for datos.gov.co, streamed from stored entries."""
    total, newest, _ = stamp([])
    tag = hashlib.sha256(f"datajson|{total}|{newest}".encode()).hexdigest()[:32]
    response = _conditional(Response(mimetype="application/json"), tag, newest)
    if response.status_code == 304:
        return response

    def generate():
        head = {
            "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
            "@id": urls.absolute("/data.json"),
            "@type": "dcat:Catalog",
            "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
            "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        }
        yield json.dumps(head, ensure_ascii=False)[:-1] + ',"dataset":['
        after, first = 0, True
        while True:
            rows = db.session.execute(
                db.select(Resource.id, ResourceFragment.datajson)
                .join(ResourceFragment, ResourceFragment.resource_id == Resource.id)
                .where(Resource.status == PUBLISHED, Resource.id > after)
                .order_by(Resource.id)
                .limit(500)
            ).all()
            if not rows:
                break
            for _, entry in rows:
                if entry:
                    yield ("" if first else ",") + entry
                    first = False
            after = rows[-1][0]
        yield "]}\n"

    return _json_stream(generate(), response)


def _json_stream(body, response: Response) -> Response:
    streamed = Response(stream_with_context(body), mimetype="application/json")
    for key in ("ETag", "Last-Modified", "Cache-Control"):
        if key in response.headers:
            streamed.headers[key] = response.headers[key]
    return streamed


# ------------------------------------------------------------------ deletions


@bp.get("/retirados.json")
def withdrawn():
    """Resources withdrawn from the catalog (harvesters delete them), newest first."""
    conditions = []
    if request.args.get("since"):
        conditions.append(Resource.withdrawn_at >= _parse_since(request.args["since"]))
    rows = db.session.execute(
        db.select(Resource.slug, Resource.uuid, Resource.withdrawn_at, Resource.withdrawn_reason)
        .where(Resource.status == WITHDRAWN, *conditions)
        .order_by(Resource.withdrawn_at.desc())
    ).all()
    items = [
        {
            "uri": urls.resource_uri(slug),
            "identifier": uuid,
            "withdrawn_at": when.isoformat() if when else None,
            "reason": reason,
        }
        for slug, uuid, when, reason in rows
    ]
    newest = max((r[2] for r in rows if r[2]), default=None)
    tag = hashlib.sha256(json.dumps(items).encode()).hexdigest()[:32]
    response = Response(
        json.dumps({"items": items}, ensure_ascii=False), mimetype="application/json"
    )
    return _conditional(response, tag, newest)


# ------------------------------------------------------------------ crawlers

SITEMAP_SIZE = 10_000
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@bp.get("/robots.txt")
def robots():
    body = (
        "User-agent: *\n"
        "Disallow: /api/\n"
        "Disallow: /publicar/\n"
        f"Sitemap: {urls.absolute('/sitemap.xml')}\n"
    )
    return Response(body, mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    """A sitemap; a sitemap index when the catalog outgrows one file."""
    total = db.session.execute(
        db.select(db.func.count(Resource.id)).where(Resource.status == PUBLISHED)
    ).scalar_one()
    if total + 1 > SITEMAP_SIZE:
        pages = -(-total // SITEMAP_SIZE)
        parts = "".join(
            f"<sitemap><loc>{urls.absolute(url_for('harvest.sitemap_part', n=n))}</loc></sitemap>"
            for n in range(1, pages + 1)
        )
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">'
            f"{parts}</sitemapindex>\n"
        )
        return Response(body, mimetype="application/xml")
    return _sitemap_body(0, SITEMAP_SIZE, include_home=True)


@bp.get("/sitemap-<int:n>.xml")
def sitemap_part(n: int):
    total = db.session.execute(
        db.select(db.func.count(Resource.id)).where(Resource.status == PUBLISHED)
    ).scalar_one()
    if n < 1 or (n - 1) * SITEMAP_SIZE >= max(total, 1):
        raise NotFound("No existe esa parte del mapa del sitio.")
    return _sitemap_body((n - 1) * SITEMAP_SIZE, SITEMAP_SIZE, include_home=n == 1)


def _sitemap_body(offset: int, limit: int, include_home: bool) -> Response:
    rows = db.session.execute(
        db.select(Resource.slug, Resource.updated_at)
        .where(Resource.status == PUBLISHED)
        .order_by(Resource.id)
        .offset(offset)
        .limit(limit)
    ).all()
    entries = []
    if include_home:
        entries.append(f"<url><loc>{urls.base()}/</loc></url>")
        for (slug,) in db.session.execute(db.select(Publisher.slug).order_by(Publisher.id)):
            entries.append(f"<url><loc>{urls.publisher_page(slug)}</loc></url>")
    for slug, updated in rows:
        entries.append(
            f"<url><loc>{urls.resource_page(slug)}</loc>"
            f"<lastmod>{updated.date().isoformat()}</lastmod></url>"
        )
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">'
        + "".join(entries)
        + "</urlset>\n"
    )
    return Response(body, mimetype="application/xml")
