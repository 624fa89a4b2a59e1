"""A read-only CKAN-compatible Action API (/api/3/action/…), for CKAN clients and harvesters.

Answers use CKAN's envelope {"help", "success", "result"} and CKAN's error shape.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, jsonify, request
from sqlalchemy import func, or_

from .. import urls
from ..extensions import db
from ..models import PUBLISHED, Distribution, Publisher, Resource, ResourceKeyword, ResourceTheme
from ..text import fold
from . import bp, ckan_query
from .ckan_package import ckan_license_id, organization_dict, package_dict, package_options

MAX_ROWS = 1000


class ActionError(Exception):
    def __init__(self, status: int, kind: str, message: str, **extra: Any):
        super().__init__(message)
        self.status, self.kind, self.message, self.extra = status, kind, message, extra


def _envelope(action: str, result: Any):
    return jsonify(
        {
            "help": urls.absolute(f"/api/3/action/help_show?name={action}"),
            "success": True,
            "result": result,
        }
    )


def _params() -> dict[str, Any]:
    params: dict[str, Any] = dict(request.args)
    if request.method == "POST" and request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            params.update(body)
    return params


def like_escape(text: str) -> str:
    """User text taken literally inside a LIKE pattern (`%`, `_` and the escape itself)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _int(params: dict, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ActionError(
            409, "Validation Error", f"{name}: debe ser un entero", **{name: ["Invalid integer"]}
        ) from None
    if value < 0 or (maximum is not None and value > maximum):
        raise ActionError(
            409,
            "Validation Error",
            f"{name}: fuera de rango (0–{maximum})",
            **{name: [f"Must be between 0 and {maximum}"]},
        )
    return value


# ------------------------------------------------------------------ actions


def action_license_list(params):
    """The licences in use here, as CKAN lists its register (id, title, url, open)."""
    vocab = current_app.extensions["vocab"]
    seen: dict[str, dict] = {}
    for concept in vocab["licences"].concepts:
        key = ckan_license_id(concept) or "notspecified"
        seen.setdefault(
            key,
            {
                "id": key,
                "title": str(concept.prop("ckanLicenseTitle") or concept.label("en")),
                "url": str(concept.prop("licenceDocument") or concept.uri),
                "od_conformance": "approved" if concept.prop("openLicence") else "not reviewed",
                "status": "active",
                "is_okd_compliant": bool(concept.prop("openLicence")),
            },
        )
    return list(seen.values())


def _published():
    return db.select(Resource).where(Resource.status == PUBLISHED)


def action_status_show(params):
    return {
        "site_title": current_app.config["CATALOG_TITLE"],
        "site_url": urls.base(),
        "ckan_version": "2.10.0",
        "site_description": "Catálogo de Gestión Pública Distrital (API de solo lectura)",
        "locale_default": "es",
        "extensions": ["dcat"],
    }


def action_package_list(params):
    limit = _int(params, "limit", 0, 100_000)
    offset = _int(params, "offset", 0)
    stmt = db.select(Resource.slug).where(Resource.status == PUBLISHED).order_by(Resource.slug)
    if limit:
        stmt = stmt.limit(limit).offset(offset)
    return list(db.session.execute(stmt).scalars())


def _find_package(ref: str) -> Resource:
    resource = db.session.execute(
        _published().where(or_(Resource.slug == ref, Resource.uuid == ref))
    ).scalar_one_or_none()
    if resource is None:
        raise ActionError(404, "Not Found Error", "Not found")
    return resource


def action_package_show(params):
    ref = params.get("id") or params.get("name")
    if not ref:
        raise ActionError(409, "Validation Error", "id: Missing value", id=["Missing value"])
    return package_dict(_find_package(str(ref)))


FACETS = {"organization", "tags", "groups", "res_format", "license_id"}


def _search_error(error: ckan_query.QueryError, param: str) -> ActionError:
    """CKAN's answer to a query Solr refuses: 409, "Search Query Error", naming the term."""
    return ActionError(409, "Search Query Error", f"Search error: {param}: {error}")


def _query(stmt, params):
    """`q` (free text, or Lucene syntax) and `fq` (Lucene syntax), both luqum-parsed."""
    q = str(params.get("q") or "").strip()
    if q and q != "*:*":
        try:
            stmt = stmt.where(ckan_query.condition(q))
        except ckan_query.QueryError as error:
            if ":" in q or '"' in q:
                raise _search_error(error, "q") from None
            # plain words that are not valid Lucene (a lone bracket): every word, as text
            words = [ckan_query.FIELDS["text"](w, True) for w in q.split()]
            stmt = stmt.where(*words)
    fq = params.get("fq")
    for text in fq if isinstance(fq, list) else [fq]:  # a JSON body may send several
        if text is not None and str(text).strip():
            try:
                stmt = stmt.where(ckan_query.condition(str(text)))
            except ckan_query.QueryError as error:
                raise _search_error(error, "fq") from None
    return stmt


def action_package_search(params):
    rows = _int(params, "rows", 10, MAX_ROWS)
    start = _int(params, "start", 0, 10**9)
    stmt = _query(_published(), params)
    sort = str(params.get("sort") or "metadata_modified desc").strip()
    try:
        order = ckan_query.order_by(sort)
    except ckan_query.QueryError as error:
        raise ActionError(409, "Validation Error", f"sort: {error}", sort=[str(error)]) from None
    count = db.session.execute(db.select(func.count()).select_from(stmt.subquery())).scalar_one()
    results = db.session.execute(
        stmt.order_by(*order).offset(start).limit(rows).options(*package_options())
    ).scalars()
    facets = _facets(stmt, params)
    return {
        "count": count,
        "results": [package_dict(r) for r in results],
        "sort": sort,
        "facets": {k: {i["name"]: i["count"] for i in v["items"]} for k, v in facets.items()},
        "search_facets": facets,
    }


def _facet_query(field: str, ids):
    """(name, label, count) rows of one facet over the matching resources' ids."""
    if field == "organization":
        return (
            db.select(Publisher.slug, Publisher.name, func.count())
            .join(Resource, Resource.publisher_id == Publisher.id)
            .where(Resource.id.in_(ids))
            .group_by(Publisher.slug, Publisher.name)
        )
    elif field == "tags":
        return (
            db.select(ResourceKeyword.keyword, ResourceKeyword.keyword, func.count())
            .where(ResourceKeyword.resource_id.in_(ids))
            .group_by(ResourceKeyword.keyword)
        )
    elif field == "license_id":
        return (
            db.select(Resource.license, Resource.license, func.count())
            .where(Resource.id.in_(ids))
            .group_by(Resource.license)
        )
    elif field == "res_format":
        return (
            db.select(
                Distribution.format,
                Distribution.format,
                func.count(func.distinct(Distribution.resource_id)),
            )
            .where(Distribution.resource_id.in_(ids))
            .group_by(Distribution.format)
        )
    else:  # groups: datos.gov.co categories
        return (
            db.select(ResourceTheme.concept_uri, ResourceTheme.concept_uri, func.count())
            .where(
                ResourceTheme.resource_id.in_(ids),
                ResourceTheme.scheme == "datos-gov-co",
            )
            .group_by(ResourceTheme.concept_uri)
        )


def _facets(stmt, params) -> dict[str, Any]:
    raw = params.get("facet.field") or "[]"
    try:
        fields = json.loads(raw) if isinstance(raw, str) else list(raw)
    except ValueError:
        raise ActionError(409, "Validation Error", "facet.field: debe ser una lista JSON") from None
    limit = _int(params, "facet.limit", 50, 1000)
    ids = stmt.with_only_columns(Resource.id).subquery()
    out: dict[str, Any] = {}
    for field in fields:
        if field not in FACETS:
            raise ActionError(409, "Validation Error", f"facet.field: no admitido «{field}»")
        q = _facet_query(field, db.select(ids.c.id))
        items = []
        for name, label, count in db.session.execute(q):
            if name is None:
                continue
            if field == "groups":
                name = str(name).rsplit("/", 1)[-1]
                concept = current_app.extensions["vocab"].concept(str(label))
                label = concept.label("es") if concept else name
            items.append({"name": name, "display_name": label, "count": count})
        items.sort(key=lambda i: (-i["count"], str(i["name"])))
        out[field] = {"title": field, "items": items[:limit]}
    return out


def action_organization_list(params):
    all_fields = str(params.get("all_fields", "false")).lower() == "true"
    publishers = db.session.execute(db.select(Publisher).order_by(Publisher.slug)).scalars().all()
    if not all_fields:
        return [p.slug for p in publishers]
    counts = dict(
        db.session.execute(
            db.select(Resource.publisher_id, func.count())
            .where(Resource.status == PUBLISHED)
            .group_by(Resource.publisher_id)
        ).all()
    )
    return [organization_dict(p, counts.get(p.id, 0)) for p in publishers]


def action_organization_show(params):
    ref = params.get("id")
    publisher = db.session.execute(
        db.select(Publisher).where(or_(Publisher.slug == ref, Publisher.uuid == ref))
    ).scalar_one_or_none()
    if publisher is None:
        raise ActionError(404, "Not Found Error", "Not found")
    count = db.session.execute(
        db.select(func.count(Resource.id)).where(
            Resource.status == PUBLISHED, Resource.publisher_id == publisher.id
        )
    ).scalar_one()
    data = organization_dict(publisher, count)
    if str(params.get("include_datasets", "false")).lower() == "true":
        data["packages"] = [
            package_dict(r)
            for r in db.session.execute(
                _published()
                .where(Resource.publisher_id == publisher.id)
                .limit(1000)
                .options(*package_options())
            ).scalars()
        ]
    return data


def action_group_list(params):
    vocab = current_app.extensions["vocab"]
    concepts = vocab["datos-gov-co"].concepts if "datos-gov-co" in vocab else []
    if str(params.get("all_fields", "false")).lower() == "true":
        return [
            {
                "name": c.notation,
                "title": c.label("es"),
                "display_name": c.label("es"),
                "description": c.definition or "",
                "type": "group",
                "is_organization": False,
            }
            for c in concepts
        ]
    return [c.notation for c in concepts]


def action_tag_list(params):
    stmt = (
        db.select(ResourceKeyword.keyword)
        .join(Resource)
        .where(Resource.status == PUBLISHED)
        .distinct()
        .order_by(ResourceKeyword.keyword)
    )
    if params.get("query"):
        pattern = like_escape(fold(str(params["query"])))
        stmt = stmt.where(ResourceKeyword.keyword_key.like(f"%{pattern}%", escape="\\"))
    return list(db.session.execute(stmt).scalars())


ACTIONS = {
    name.removeprefix("action_"): fn for name, fn in globals().items() if name.startswith("action_")
}


@bp.route("/api/3/action/<name>", methods=["GET", "POST"])
@bp.route("/api/action/<name>", methods=["GET", "POST"])
def ckan_action(name: str):
    action = ACTIONS.get(name)
    if action is None:
        body = {
            "help": urls.absolute("/api/3/action/help_show"),
            "success": False,
            "error": {"__type": "Not Found Error", "message": "Not found"},
        }
        response = jsonify(body)
        response.status_code = 400
        return response
    try:
        return _envelope(name, action(_params()))
    except ActionError as error:
        body = {
            "help": urls.absolute(f"/api/3/action/help_show?name={name}"),
            "success": False,
            "error": {"__type": error.kind, "message": error.message, **error.extra},
        }
        response = jsonify(body)
        response.status_code = error.status
        return response
