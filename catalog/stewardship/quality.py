"""Metadata quality score (MQA-style, 405 points) as ../shared/quality.md defines it.

Link checks come from the link checker's stored results (LinkCheck), never from a request made
here. DCAT-AP conformance: the one mapping's output is validated against the official SHACL shapes
by the test suite, so a resource earns those points when its publisher gave what the shapes make
mandatory for a dataset (title and a real description; the mapping would otherwise fall back to
the title) — the mapping supplies the rest.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app

from ..extensions import db
from ..i18n import N_
from ..models import LinkCheck, Resource
from ..rdf.mapping import distribution_urls

MAXIMUM = 405
BANDS = (
    (351, N_("Excelente")),
    (221, N_("Bueno")),
    (121, N_("Suficiente")),
    (0, N_("Deficiente")),
)


def band(points: int) -> str:
    return next(name for floor, name in BANDS if points >= floor)


def _link_ok(url: str | None, checks: dict[str, bool]) -> bool:
    if not url:
        return False
    return checks.get(hashlib.sha256(url.encode()).hexdigest(), False)


def _share(values: list[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


class _Checks:
    """Points for each check passed (a share for the distributions that pass it), and the
    Spanish hint of every check not fully passed, in the order they are made."""

    def __init__(self) -> None:
        self.fixes: list[str] = []

    def __call__(self, points: float, ok: bool | float, fix: str) -> float:
        share = float(ok)
        if share < 1:
            self.fixes.append(fix)
        return points * share


def _link_checks(dists: list) -> dict[str, bool]:
    """The last link-check result of each of the distributions' URLs, by URL hash."""
    urls = [u for d in dists for u in distribution_urls(d) if u]
    if not urls:
        return {}
    hashes = [hashlib.sha256(u.encode()).hexdigest() for u in urls]
    return dict(
        db.session.execute(
            db.select(LinkCheck.url_hash, LinkCheck.ok).where(LinkCheck.url_hash.in_(hashes))
        ).all()
    )


def _findability(check: _Checks, resource: Resource) -> float:
    return (
        check(30, bool(resource.keywords), "Agregue palabras clave.")
        + check(30, bool(resource.themes), "Asigne temas (categoría datos.gov.co, política MIPG).")
        # every resource is published with a spatial coverage (Bogotá D.C. unless another)
        + check(20, True, "Indique la cobertura geográfica.")
        + check(
            20,
            bool(resource.temporal_start or resource.temporal_end),
            "Indique la cobertura temporal.",
        )
    )


def _accessibility(check: _Checks, dists: list, links: dict[str, bool]) -> float:
    access = [_link_ok(distribution_urls(d)[0], links) for d in dists]
    downloads = [distribution_urls(d)[1] for d in dists]
    return (
        check(50, _share(access), "Verifique que las direcciones de acceso respondan.")
        + check(20, _share([bool(u) for u in downloads]), "Agregue direcciones de descarga.")
        + check(
            30,
            _share([_link_ok(u, links) for u in downloads]),
            "Verifique que las descargas respondan.",
        )
    )


def _interoperability(check: _Checks, resource: Resource, dists: list, vocab) -> float:
    formats = [vocab["file-types"].get(d.format) if d.format else None for d in dists]
    return (
        check(20, _share([bool(d.format) for d in dists]), "Indique el formato de cada archivo.")
        + check(10, _share([bool(d.media_type) for d in dists]), "Indique el tipo de medio.")
        + check(
            10,
            _share([f is not None for f in formats]),
            "Use formatos del vocabulario del catálogo.",
        )
        + check(
            20,
            _share([bool(f and f.prop("nonProprietary")) for f in formats]),
            "Publique también en un formato abierto (no propietario).",
        )
        + check(
            20,
            _share([bool(f and f.prop("machineReadable")) for f in formats]),
            "Publique también en un formato legible por máquina.",
        )
        + check(
            30,
            bool(resource.title and resource.description),
            "Complete título y descripción (obligatorios en DCAT-AP).",
        )
    )


def _reusability(check: _Checks, resource: Resource, vocab) -> float:
    licence_known = bool(resource.license and vocab["licences"].get(resource.license))
    rights_known = bool(
        resource.access_rights and vocab["access-rights"].get(resource.access_rights)
    )
    return (
        check(20, bool(resource.license), "Indique la licencia.")
        + check(10, licence_known, "Use una licencia del vocabulario.")
        + check(10, bool(resource.access_rights), "Indique los derechos de acceso.")
        + check(5, rights_known, "Use derechos de acceso del vocabulario.")
        + check(
            20,
            bool(resource.contact_email or resource.publisher.email),
            "Indique un correo de contacto.",
        )
        + check(10, resource.publisher is not None, "Indique la entidad que publica.")
    )


def _contextuality(check: _Checks, resource: Resource, dists: list) -> float:
    return (
        check(5, bool(resource.rights), "Describa los derechos de uso.")
        + check(
            5,
            _share([d.byte_size is not None for d in dists]),
            "Indique el tamaño de los archivos.",
        )
        + check(5, resource.issued is not None, "Indique la fecha de publicación.")
        + check(5, resource.modified is not None, "Indique la fecha de actualización.")
    )


def score(resource: Resource) -> dict[str, Any]:
    """{'total', 'band', 'dimensions': {name: points}, 'fixes': [Spanish hints]}."""
    vocab = current_app.extensions["vocab"]
    dists = list(resource.distributions)
    check = _Checks()
    dimensions = {
        "findability": round(_findability(check, resource)),
        "accessibility": round(_accessibility(check, dists, _link_checks(dists))),
        "interoperability": round(_interoperability(check, resource, dists, vocab)),
        "reusability": round(_reusability(check, resource, vocab)),
        "contextuality": round(_contextuality(check, resource, dists)),
    }
    total = sum(dimensions.values())
    return {"total": total, "band": band(total), "dimensions": dimensions, "fixes": check.fixes}


def refresh_quality(resource: Resource) -> None:
    result = score(resource)
    resource.quality_score = result["total"]
    resource.quality = result
