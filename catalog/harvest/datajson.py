"""DCAT-US 1.1 (Project Open Data) — the shape datos.gov.co's catalog connector reads."""

from __future__ import annotations

from typing import Any

from flask import current_app

from .. import urls
from ..markdown import markdown_to_text
from ..models import Resource
from ..rdf.mapping import BOGOTA, distribution_urls, good_practice_summary
from ..rdf.namespaces import CGP

BOGOTA_NAME = "Bogotá D.C., Colombia"
ACCESS_LEVEL = {"publica": "public", "clasificada": "restricted public", "reservada": "non-public"}


def _vocab():
    return current_app.extensions["vocab"]


def _concept(scheme: str, notation: str | None):
    if not notation or scheme not in _vocab():
        return None
    return _vocab()[scheme].get(notation)


def _themes(resource: Resource) -> list[str]:
    """The themes as datos.gov.co names them."""
    themes = []
    for uri in resource.theme_uris:
        concept = _vocab().concept(uri)
        if concept is not None:
            themes.append(str(concept.prop("datosGovCoLabel") or concept.label("es")))
    return themes


def _distribution(dist) -> dict[str, Any]:
    """One distribution entry: a download with its media type, else the access URL."""
    access, download = distribution_urls(dist)
    item: dict[str, Any] = {"@type": "dcat:Distribution"}
    if download:
        item["downloadURL"] = download
        if dist.media_type:
            item["mediaType"] = dist.media_type
    else:
        item["accessURL"] = access
    fmt = _concept("file-types", dist.format)
    if fmt is not None:
        item["format"] = fmt.label("es")
    if dist.title:
        item["title"] = dist.title
    if dist.description:
        item["description"] = markdown_to_text(dist.description)
    return item


def dataset_object(resource: Resource) -> dict[str, Any]:
    """One dataset entry of /data.json."""
    publisher = resource.publisher
    email = resource.contact_email or publisher.email or publisher.entity.email
    data: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "identifier": urls.resource_uri(resource.slug),
        "title": resource.title,
        "description": markdown_to_text(resource.description) or resource.title,
        "keyword": resource.keyword_list or _subject_words(resource),
        "modified": (resource.modified or resource.updated_at.date()).isoformat(),
        "publisher": _organization(publisher),
        "contactPoint": {
            "@type": "vcard:Contact",
            "fn": resource.contact_name or publisher.name,
            **({"hasEmail": f"mailto:{email}"} if email else {}),
        },
        "accessLevel": ACCESS_LEVEL.get(resource.access_rights or "publica", "public"),
        "landingPage": urls.resource_page(resource.slug),
        "language": [
            "es-CO" if code == "spa" else str(c.prop("bcp47"))
            for code in (resource.languages or [])
            if (c := _concept("languages", code)) is not None and c.prop("bcp47")
        ],
    }
    # the place the resource covers (a GeoNames URI); the district when it names none, as
    # the RDF says (dct:spatial defaults to Bogotá there too)
    data["spatial"] = (
        resource.spatial if resource.spatial and resource.spatial != BOGOTA else BOGOTA_NAME
    )
    if not data["language"]:
        del data["language"]
    licence = _concept("licences", resource.license)
    if licence is not None:
        data["license"] = str(licence.prop("licenceDocument") or licence.uri)
    rights = resource.rights or _exception_rights(resource)
    if rights:
        data["rights"] = rights[:255]
    if resource.issued:
        data["issued"] = resource.issued.isoformat()
    frequency = _concept("frequencies", resource.accrual_periodicity)
    if frequency is not None and frequency.prop("dcatUsPeriodicity"):
        data["accrualPeriodicity"] = str(frequency.prop("dcatUsPeriodicity"))
    if resource.temporal_start and resource.temporal_end:
        data["temporal"] = (
            f"{resource.temporal_start.isoformat()}/{resource.temporal_end.isoformat()}"
        )
    themes = _themes(resource)
    if themes:
        data["theme"] = themes
    if resource.conforms_to:
        data["conformsTo"] = resource.conforms_to
    distributions = [_distribution(dist) for dist in resource.distributions]
    if distributions:
        data["distribution"] = distributions
    practice = good_practice_summary(resource)
    if practice:  # an extension of DCAT-US (its schema allows more properties)
        data["goodPractice"] = {"@context": {"@vocab": str(CGP)}, **practice}
    return data


def _subject_words(resource: Resource) -> list[str]:
    """DCAT-US requires a keyword: with none given, what the record itself says it is about
    (its type and its themes), never its title repeated."""
    words = []
    kind = _concept("resource-types", resource.type)
    if kind is not None:
        words.append(kind.label("es").lower())
    for uri in resource.theme_uris:
        concept = _vocab().concept(uri)
        if concept is not None:
            words.append(concept.label("es").lower())
    return list(dict.fromkeys(words)) or ["gestión pública"]


def _organization(publisher) -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "org:Organization", "name": publisher.name}
    if publisher.parent is not None:
        org["subOrganizationOf"] = _organization(publisher.parent)
    return org


def _exception_rights(resource) -> str | None:
    """DCAT-US `rights` explains a restricted accessLevel: the Ley 1712 exception, when the
    publisher wrote no rights statement of its own."""
    ground = _concept("exception-grounds", resource.exception_ground)
    access = _concept("access-rights", resource.access_rights)
    if ground is None or access is None:
        return None
    kind = str(access.prop("ley1712Label") or access.label("es"))
    text = f"{kind}: {ground.label('es')} ({ground.prop('legalProvision')})"
    if resource.exception_until:
        text += f", hasta el {resource.exception_until.isoformat()}"
    return text + "."
