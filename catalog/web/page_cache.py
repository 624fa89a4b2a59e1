"""Rendered public pages and outputs, kept per database state and served from memory.

A public GET (HTML pages, the DCAT catalog pages, data.json, the CKAN Action API, registers,
/estado …) asked without credentials is rendered once per state and then served from here. The
key is the request (path and query, language, Accept) with the database's generation — a
counter every committed write moves on, in the same transaction (catalog.database) — and
Bogotá's date (overdue reviews turn with the day). Every app server and CLI process moves the
same counter, so no server ever serves a page older than the database: a write anywhere makes
every kept page unreachable. Personal views never enter: a request with a session cookie or an
Authorization header, a response that sets a cookie, streams, or is not a 200 or a redirect.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask, Response, current_app, g, request
from werkzeug.datastructures import Headers

from ..database import generation
from ..i18n import requested_language
from ..services.resources import BOGOTA

MAX_BODY = 2 * 1024 * 1024
MAX_TOTAL = 64 * 1024 * 1024  # per worker
CACHED = frozenset(
    {
        "public.home",
        "public.search_page",
        "public.resource_page",
        "public.resource_rdf",
        "public.publisher_page",
        "public.publisher_rdf",
        "public.theme_page",
        "public.about",
        "public.ontology_page",
        "public.ontology_rdf",
        "harvest.catalog_negotiate",
        "harvest.catalog_rdf",
        "harvest.data_json",
        "harvest.withdrawn",
        "harvest.sitemap",
        "harvest.sitemap_part",
        "harvest.ckan_action",
        "stewardship.catalog_state",
        "stewardship.register_page",
        "stewardship.register_download",
        "api.docs",
        "api.openapi",
    }
)
_SKIPPED_HEADERS = frozenset({"date", "set-cookie", "content-length"})


@dataclass(frozen=True)
class Kept:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


_kept: OrderedDict[tuple, Kept] = OrderedDict()
_size = 0
_lock = threading.Lock()


def _key() -> tuple | None:
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHED:
        return None
    if request.headers.get("Authorization") or request.headers.get("X-Api-Key"):
        return None
    if current_app.config.get("SESSION_COOKIE_NAME", "session") in request.cookies:
        return None
    if not current_app.config.get("CATALOG_PAGE_CACHE", True):
        return None
    return (
        current_app.config["SQLALCHEMY_DATABASE_URI"],
        generation(),
        datetime.now(BOGOTA).date().toordinal(),  # overdue reviews turn with the day
        date.today().toordinal(),
        requested_language(),  # what ?lang, the cookie or Accept-Language choose
        request.host_url,  # links are absolute: another host or scheme is another page
        request.full_path,
        request.headers.get("Accept", ""),
    )


def _serve():
    key = _key()
    g.page_cache_key = key
    if key is None:
        return None
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
    if kept is None:
        return None
    g.page_cache_hit = True
    response = Response(kept.body, status=kept.status, headers=Headers(kept.headers))
    return response.make_conditional(request)


def _keep(response: Response) -> Response:
    global _size
    key = g.get("page_cache_key")
    if key is None or g.get("page_cache_hit"):
        return response
    if response.status_code not in (200, 301, 302, 303, 307, 308):
        return response
    if response.is_streamed or response.direct_passthrough or "Set-Cookie" in response.headers:
        return response
    body = response.get_data()
    if len(body) > MAX_BODY:
        return response
    headers = [(k, v) for k, v in response.headers if k.lower() not in _SKIPPED_HEADERS]
    with _lock:
        if key not in _kept:
            _kept[key] = Kept(response.status_code, headers, body)
            _size += len(body)
            while _size > MAX_TOTAL and _kept:
                _, dropped = _kept.popitem(last=False)
                _size -= len(dropped.body)
    return response


def forget() -> None:
    """Drop every kept page (benchmarks measure cold pages this way)."""
    global _size
    with _lock:
        _kept.clear()
        _size = 0


def init_page_cache(app: Flask) -> None:
    # registered first, so it runs last among the after_request hooks: what it keeps carries
    # every header the others add, and a kept page gets them again when served
    app.after_request(_keep)
    app.before_request(_serve)
