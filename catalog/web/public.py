"""Public pages and the RDF behind them."""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from .. import urls
from ..errors import Gone, NotFound
from ..extensions import db
from ..i18n import N_, current_language
from ..models import PUBLISHED, WITHDRAWN, Distribution, Publisher, Resource
from ..rdf import ontology
from ..rdf.formats import FORMATS, asks_for_html, negotiate, rdf_response
from ..rdf.mapping import publisher_graph, resource_to_graph
from ..search.related import related
from ..search.service import SearchParams, search, suggest
from ..stewardship.checks import outcome_code, resource_checks
from . import schemaorg
from .files import send_hosted_file

bp = Blueprint("public", __name__)


def _ext_or_404(ext: str) -> str:
    if ext not in FORMATS:
        abort(404)
    return ext


def _public_resource(slug: str) -> Resource:
    resource = db.session.execute(
        db.select(Resource).where(Resource.slug == slug)
    ).scalar_one_or_none()
    if resource is None or resource.status not in (PUBLISHED, WITHDRAWN):
        raise NotFound(N_("No existe un recurso publicado con esa dirección."))
    if resource.status == WITHDRAWN:
        raise Gone(
            N_("Este recurso fue retirado del catálogo."),
            reason=resource.withdrawn_reason,
            title=resource.title,
        )
    return resource


def _publisher(slug: str) -> Publisher:
    publisher = Publisher.by_slug(slug)
    if publisher is None:
        raise NotFound(N_("No existe una entidad con esa dirección."))
    return publisher


@bp.get("/")
def home():
    ext = negotiate(request)
    if ext is not None:  # RDF clients asking for the site get the catalog
        return redirect(url_for("harvest.catalog_rdf", ext=ext), 303)
    recent_ids, counts = _home_summary()
    by_id = {
        r.id: r
        for r in db.session.execute(
            db.select(Resource)
            .where(Resource.id.in_(recent_ids))
            .options(selectinload(Resource.publisher).selectinload(Publisher.parent))
        ).scalars()
    }
    entities = db.session.execute(
        db.select(Publisher).where(Publisher.parent_id.is_(None)).order_by(Publisher.name)
    ).scalars()
    return render_template(
        "public/home.html",
        recent=[by_id[i] for i in recent_ids if i in by_id],
        counts=counts,
        entities=list(entities),
    )


_home_cache: dict[tuple, tuple[list[int], dict[str, int]]] = {}


def _home_summary() -> tuple[list[int], dict[str, int]]:
    """The newest published ids and the count per type, remembered per catalog state (every
    write stamps updated_at, so the newest stamp names the state; an index lookup)."""
    newest = db.session.execute(db.select(db.func.max(Resource.updated_at))).scalar_one()
    key = (db.engine.url.render_as_string(), newest)
    cached = _home_cache.get(key)
    if cached is None:
        recent = list(
            db.session.execute(
                db.select(Resource.id)
                .where(Resource.status == PUBLISHED)
                .order_by(  # the date each card shows, newest first
                    db.func.coalesce(Resource.modified, Resource.issued).desc().nulls_last(),
                    Resource.published_at.desc(),
                    Resource.id.desc(),
                )
                .limit(12)
            ).scalars()
        )
        counts = dict(
            db.session.execute(
                db.select(Resource.type, db.func.count())
                .where(Resource.status == PUBLISHED)
                .group_by(Resource.type)
            ).all()
        )
        if len(_home_cache) > 32:
            _home_cache.clear()
        cached = _home_cache[key] = (recent, counts)
    return cached


# ------------------------------------------------------------------ resources


@bp.get("/recurso/<slug>")
def resource_page(slug: str):
    resource = _public_resource(slug)
    ext = negotiate(request)
    if ext is not None:
        return redirect(url_for("public.resource_rdf", slug=slug, ext=ext), 303)

    checks = resource_checks(resource)
    others = related(resource)
    response = current_app.make_response(
        render_template(
            "public/resource.html",
            resource=resource,
            schema_org=schemaorg.dataset(resource),
            checks=checks,
            related=others,
        )
    )
    # the page's language is part of the representation: a Spanish copy never answers English;
    # so are the stewardship checks, which change with the date and with `catalog verify`, and
    # the related resources, which change when they do
    linked = hashlib.sha256(
        ",".join(f"{o.resource.id}.{o.resource.lock_version}" for o in others).encode()
    ).hexdigest()[:12]
    variant = f"html-{current_language()}-{outcome_code(checks)}-{linked}"
    response = _conditional(response, resource, variant)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(
        f"<{urls.absolute(url_for('public.resource_rdf', slug=slug, ext=e))}>; "
        f'rel="alternate"; type="{media}"'
        for e, (_, media) in FORMATS.items()
    )
    return response


def _conditional(response, resource: Resource, variant: str):
    """ETag (version and representation) and Last-Modified, answering 304 when unchanged."""
    response.set_etag(f"r{resource.id}-v{resource.lock_version}-{variant}")
    response.last_modified = resource.updated_at
    return response.make_conditional(request)


@bp.get("/recurso/<slug>.<ext>")
def resource_rdf(slug: str, ext: str):
    _ext_or_404(ext)
    resource = _public_resource(slug)
    return _conditional(rdf_response(resource_to_graph(resource), ext), resource, ext)


@bp.get("/id/recurso/<slug>")
def resource_id(slug: str):
    """The resource's URI dereferences (303) to its description, HTML or RDF."""
    _public_resource(slug)  # 404 for drafts (not even their existence is public), 410 withdrawn
    ext = negotiate(request)
    if ext is not None:
        return redirect(url_for("public.resource_rdf", slug=slug, ext=ext), 303)
    return redirect(url_for("public.resource_page", slug=slug), 303)


@bp.get("/id/distribucion/<uuid>")
def distribution_id(uuid: str):
    dist = db.session.execute(
        db.select(Distribution).where(Distribution.uuid == uuid)
    ).scalar_one_or_none()
    if dist is None:
        raise NotFound(N_("No existe esa distribución."))
    resource = _public_resource(dist.resource.slug)
    return redirect(url_for("public.resource_page", slug=resource.slug) + f"#d-{uuid}", 303)


# ------------------------------------------------------------------ publishers


@bp.get("/entidad/<slug>")
def publisher_page(slug: str):
    publisher = _publisher(slug)
    ext = negotiate(request)
    if ext is not None:
        return redirect(url_for("public.publisher_rdf", slug=slug, ext=ext), 303)
    ids = publisher.family_ids
    resources = db.session.execute(
        db.select(Resource)
        .where(Resource.status == PUBLISHED, Resource.publisher_id.in_(ids))
        .order_by(Resource.title)
        .options(selectinload(Resource.publisher).selectinload(Publisher.parent))
    ).scalars()
    return render_template("public/publisher.html", publisher=publisher, resources=list(resources))


@bp.get("/entidad/<slug>.<ext>")
def publisher_rdf(slug: str, ext: str):
    _ext_or_404(ext)
    return rdf_response(publisher_graph(_publisher(slug)), ext)


@bp.get("/id/entidad/<slug>")
def publisher_id(slug: str):
    _publisher(slug)  # 404 for an unknown entity, not a redirect to one
    ext = negotiate(request)
    if ext is not None:
        return redirect(url_for("public.publisher_rdf", slug=slug, ext=ext), 303)
    return redirect(url_for("public.publisher_page", slug=slug), 303)


# ------------------------------------------------------------------ the catalog


@bp.get("/id/catalogo")
def catalog_id():
    if asks_for_html(request):
        return redirect(url_for("public.search_page"), 303)
    ext = negotiate(request) or "ttl"
    return redirect(url_for("harvest.catalog_rdf", ext=ext), 303)


# ------------------------------------------------------------------ search


FACET_TITLES = {
    "entidad": _l("Entidad"),
    "tipo": _l("Tipo de recurso"),
    "categoria": _l("Categoría (datos.gov.co)"),
    "politica": _l("Política de MIPG"),
    "formato": _l("Formato"),
    "anio": _l("Año de publicación"),
    "licencia": _l("Licencia"),
}
# facets whose values are vocabulary concepts, labelled in the page's language
FACET_SCHEMES = {
    "tipo": "resource-types",
    "categoria": "datos-gov-co",
    "politica": "mipg",
    "formato": "file-types",
    "licencia": "licences",
}


def _localised_facets(facets: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The search service labels concepts in Spanish; pages show the reader's language (on
    copies: the service may remember its results)."""
    language = current_language()
    if language == "es":
        return facets
    vocab = current_app.extensions["vocab"]

    def label(key: str, item: dict) -> str:
        scheme = FACET_SCHEMES.get(key)
        concept = vocab[scheme].get(item["value"]) if scheme in vocab else None
        return concept.label(language) if concept is not None else item["label"]

    return {key: [{**i, "label": label(key, i)} for i in items] for key, items in facets.items()}


@bp.get("/buscar")
def search_page():
    params = SearchParams.parse(request.args)
    result = search(params)
    if params.page > result.pages and params.page > 1:
        raise NotFound(N_("Esa página de resultados no existe."))
    return render_template(
        "public/search.html",
        result=result,
        facets=_localised_facets(result.facets),
        params=params,
        facet_titles=FACET_TITLES,
        suggestion=suggest(params) if result.total == 0 and params.q else None,
    )


# ------------------------------------------------------------------ themes, about, files


THEME_FILTER = {"datos-gov-co": "categoria", "mipg": "politica"}


@bp.get("/tema/<scheme>/<notation>")
def theme_page(scheme: str, notation: str):
    vocab = current_app.extensions["vocab"]
    if scheme not in THEME_FILTER or scheme not in vocab:
        raise NotFound(N_("No existe ese esquema de temas."))
    concept = vocab[scheme].get(notation)
    if concept is None:
        raise NotFound(N_("No existe ese tema."))
    try:
        page = max(1, int(request.args.get("pagina", 1)))
    except ValueError:
        page = 1
    params = SearchParams(filters={THEME_FILTER[scheme]: notation}, sort="fecha", page=page)
    result = search(params)
    narrower = [c for c in vocab[scheme].concepts if c.broader == concept.uri]
    broader = vocab.concept(concept.broader) if concept.broader else None
    return render_template(
        "public/theme.html",
        concept=concept,
        scheme=vocab[scheme],
        result=result,
        params=params,
        narrower=narrower,
        broader=broader,
    )


@bp.get("/acerca")
def about():
    return render_template("public/about.html")


@bp.get("/archivos/<uuid>/<path:name>")
def hosted_file(uuid: str, name: str):
    """A file the catalog hosts for a published resource (stored under CATALOG_FILES_DIR)."""
    dist = db.session.execute(
        db.select(Distribution).where(Distribution.uuid == uuid)
    ).scalar_one_or_none()
    if dist is None or not dist.file_key:
        raise NotFound(N_("No existe ese archivo."))
    _public_resource(dist.resource.slug)  # 404 for drafts, 410 when withdrawn

    return send_hosted_file(dist, max_age=3600)


# ------------------------------------------------------------------ the catalog's own vocabulary


@bp.get("/def/ns")
def ontology_page():
    ext = negotiate(request)
    if ext is not None:
        return redirect(url_for("public.ontology_rdf", ext=ext), 303)
    lang = current_language()
    return render_template("public/ontology.html", terms=ontology.terms(lang))


@bp.get("/def/ns.<ext>")
def ontology_rdf(ext: str):
    _ext_or_404(ext)
    response = rdf_response(ontology.graph(), ext)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
