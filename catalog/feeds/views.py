"""Feed endpoints: site-wide, per entity, theme, type, keyword and any search."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from urllib.parse import urlencode

from flask import Response, abort, current_app, request, url_for
from sqlalchemy import or_

from .. import cursors, urls
from ..errors import NotFound
from ..models import Resource
from ..search.service import SearchParams, conditions_for, describe
from ..text import fold
from . import bp
from .build import MEDIA, build_feed
from .query import (
    FEED_SIZE,
    FeedQuery,
    by_keyword,
    by_theme,
    decode_before,
    find_publisher,
    heads,
    latest_changes,
    load,
    publisher_ids,
    summaries,
)

SITE = "Catálogo de Gestión Pública Distrital"


def _vocab():
    return current_app.extensions["vocab"]


def _respond(query: FeedQuery, fmt: str) -> Response:
    if fmt not in MEDIA:
        abort(404)
    before = decode_before(request.args.get("antes"))
    found = heads(query, before)
    more = len(found) > FEED_SIZE
    found = found[:FEED_SIZE]
    base_params = dict(query.params)

    def feed_url(**extra: str) -> str:
        params = {**base_params, **extra}
        suffix = f"?{urlencode(params)}" if params else ""
        return urls.absolute(f"{query.path}.{fmt}{suffix}")

    self_url = feed_url(**({"antes": request.args["antes"]} if before else {}))
    next_url = None
    if more and found:
        _, _, stamp = found[-1]
        next_url = feed_url(antes=cursors.encode_key(stamp, found[-1][0]))
    newest = max((stamp for _, _, stamp in found), default=None)
    signature = "|".join(
        [fmt, self_url, query.title, *(f"{i}:{v}:{t.isoformat()}" for i, v, t in found)]
    )
    etag = hashlib.sha256(signature.encode()).hexdigest()[:32]
    response = Response(mimetype=MEDIA[fmt])
    response.set_etag(etag)
    if newest is not None:
        response.last_modified = newest
    response.headers["Cache-Control"] = "public, max-age=300"
    response = response.make_conditional(request)  # type: ignore
    if response.status_code == 304:
        return response
    body = _rendered.get(etag)
    if body is None:
        resources = load([i for i, _, _ in found])
        stored = summaries([r.id for r in resources])
        body = build_feed(
            fmt=fmt,
            title=query.title,
            description=query.description,
            self_url=self_url,
            page_url=query.page_path and urls.absolute(query.page_path) or urls.base() + "/",
            resources=resources,
            changes=latest_changes(resources),
            next_url=next_url,
            first_url=feed_url(),
            updated=newest,
            summaries=stored,
        )
        _remember(etag, body)
    response.set_data(body)
    response.headers["Content-Type"] = f"{MEDIA[fmt]}; charset=utf-8"
    return response


# Rendered documents by ETag: the ETag names the exact entries and versions (and the feed's
# URL and title), so a stored body is valid for as long as its ETag is; each worker keeps its own.
_rendered: OrderedDict[str, bytes] = OrderedDict()
_RENDERED_MAX = 256


def _remember(etag: str, body: bytes) -> None:
    _rendered[etag] = body
    _rendered.move_to_end(etag)
    while len(_rendered) > _RENDERED_MAX:
        _rendered.popitem(last=False)


@bp.get("/recursos.<fmt>")
def site(fmt: str):
    query = FeedQuery(
        title=f"Novedades — {SITE}",
        description="Recursos nuevos y actualizados de todas las entidades del Distrito.",
        path="/feeds/recursos",
        page_path="/",
    )
    return _respond(query, fmt)


@bp.get("/entidad/<slug>.<fmt>")
def entity(slug: str, fmt: str):
    publisher = find_publisher(slug)
    query = FeedQuery(
        title=f"Novedades — {publisher.name}",
        description=(
            f"Recursos nuevos y actualizados de {publisher.name}"
            + (" y sus dependencias." if publisher.units else ".")
        ),
        path=f"/feeds/entidad/{publisher.slug}",
        conditions=[_in_publishers(publisher)],
        page_path=f"/entidad/{publisher.slug}",
    )
    return _respond(query, fmt)


def _in_publishers(publisher):
    return Resource.publisher_id.in_(publisher_ids(publisher))


@bp.get("/tema/<scheme>/<notation>.<fmt>")
def theme(scheme: str, notation: str, fmt: str):
    vocab = _vocab()
    if scheme not in ("datos-gov-co", "mipg", "eu-themes") or scheme not in vocab:
        raise NotFound("Esquema de temas desconocido.")
    concept = vocab[scheme].get(notation)
    if concept is None:
        raise NotFound("Tema desconocido.")
    query = FeedQuery(
        title=f"{concept.label('es')} — {vocab[scheme].label('es')}",
        description=f"Recursos sobre «{concept.label('es')}» en el {SITE}.",
        path=f"/feeds/tema/{scheme}/{notation}",
        conditions=[_theme_condition(concept)],
    )
    return _respond(query, fmt)


def _theme_condition(concept):
    """An EU theme also follows the datos.gov.co categories mapped to it."""
    if concept.scheme != "eu-themes":
        return by_theme(concept.uri)
    mapped = (
        [c.uri for c in _vocab()["datos-gov-co"].concepts if concept.uri in c.matches]
        if "datos-gov-co" in _vocab()
        else []
    )
    return or_(by_theme(concept.uri), *(by_theme(uri) for uri in mapped))


@bp.get("/tipo/<notation>.<fmt>")
def resource_type(notation: str, fmt: str):
    concept = _vocab()["resource-types"].get(notation)
    if concept is None:
        raise NotFound("Tipo de recurso desconocido.")

    plural = str(concept.prop("pluralLabel") or concept.label("es"))
    query = FeedQuery(
        title=f"{plural} — {SITE}",
        description=f"{plural} nuevas y actualizadas de las entidades del Distrito."
        if plural.endswith("s")
        else f"{plural} del Distrito.",
        path=f"/feeds/tipo/{notation}",
        conditions=[Resource.type == concept.notation],
    )
    return _respond(query, fmt)


@bp.get("/palabra/<keyword>.<fmt>")
def keyword(keyword: str, fmt: str):
    word = keyword.strip()
    if not word or len(word) > 100:
        raise NotFound("Palabra clave no válida.")
    query = FeedQuery(
        title=f"«{word}» — {SITE}",
        description=f"Recursos con la palabra clave «{word}».",
        path=f"/feeds/palabra/{fold(word)}",
        conditions=[by_keyword(word)],
    )
    return _respond(query, fmt)


@bp.get("/buscar.<fmt>")
def search(fmt: str):
    """Any search of the search page, as a feed (same parameters, same matching)."""
    params = SearchParams.parse(request.args)
    words = describe(params)
    subject = ", ".join(words) if words else "todos los recursos"
    kept = params.url_args()
    kept.pop("orden", None)
    query = FeedQuery(
        title=f"Búsqueda: {subject} — {SITE}",
        description=f"Resultados nuevos y actualizados de la búsqueda: {subject}.",
        path="/feeds/buscar",
        conditions=conditions_for(params),
        params=kept,
        page_path="/buscar" + (f"?{urlencode(kept)}" if kept else ""),
    )
    return _respond(query, fmt)


def feed_links(kind: str, **values: str) -> dict[str, str]:
    """{'rss': url, 'atom': url} for templates (autodiscovery and 'Suscribirse')."""
    endpoint = {
        "site": "feeds.site",
        "entity": "feeds.entity",
        "type": "feeds.resource_type",
        "search": "feeds.search",
    }[kind]
    args = dict(values)
    return {fmt: url_for(endpoint, fmt=fmt, **args) for fmt in ("rss", "atom")}  # type: ignore
