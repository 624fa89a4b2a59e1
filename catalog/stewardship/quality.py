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


def score(resource: Resource) -> dict[str, Any]:
    """{'total', 'band', 'dimensions': {name: points}, 'fixes': [Spanish hints]}."""
    vocab = current_app.extensions["vocab"]
    fixes: list[str] = []
    dists = list(resource.distributions)
    urls = [u for d in dists for u in distribution_urls(d) if u]
    checks: dict[str, bool] = {}
    if urls:
        hashes = [hashlib.sha256(u.encode()).hexdigest() for u in urls]
        checks = dict(
            db.session.execute(
                db.select(LinkCheck.url_hash, LinkCheck.ok).where(LinkCheck.url_hash.in_(hashes))
            ).all()
        )

    def check(points: float, ok: bool | float, fix: str) -> float:
        share = float(ok)
        if share < 1:
            fixes.append(fix)
        return points * share

    findability = (
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
    access = [_link_ok(distribution_urls(d)[0], checks) for d in dists]
    downloads = [distribution_urls(d)[1] for d in dists]
    accessibility = (
        check(50, _share(access), "Verifique que las direcciones de acceso respondan.")
        + check(20, _share([bool(u) for u in downloads]), "Agregue direcciones de descarga.")
        + check(
            30,
            _share([_link_ok(u, checks) for u in downloads]),
            "Verifique que las descargas respondan.",
        )
    )
    formats = [vocab["file-types"].get(d.format) if d.format else None for d in dists]
    interoperability = (
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
    licence_known = bool(resource.license and vocab["licences"].get(resource.license))
    rights_known = bool(
        resource.access_rights and vocab["access-rights"].get(resource.access_rights)
    )
    reusability = (
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
    contextuality = (
        check(5, bool(resource.rights), "Describa los derechos de uso.")
        + check(
            5,
            _share([d.byte_size is not None for d in dists]),
            "Indique el tamaño de los archivos.",
        )
        + check(5, resource.issued is not None, "Indique la fecha de publicación.")
        + check(5, resource.modified is not None, "Indique la fecha de actualización.")
    )
    dimensions = {
        "findability": round(findability),
        "accessibility": round(accessibility),
        "interoperability": round(interoperability),
        "reusability": round(reusability),
        "contextuality": round(contextuality),
    }
    total = sum(dimensions.values())
    return {"total": total, "band": band(total), "dimensions": dimensions, "fixes": fixes}


def refresh_quality(resource: Resource) -> None:
    result = score(resource)
    resource.quality_score = result["total"]
    resource.quality = result
