"""DCAT-US 1.1 (Project Open Data) — the shape datos.gov.co's catalog connector reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import current_app

from .. import urls
from ..markdown import markdown_to_text
from ..models import Resource
from ..rdf.good_practice import good_practice_summary
from ..rdf.mapping import BOGOTA, distribution_urls
from ..rdf.namespaces import CGP
from ..registry import Spec, published

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


def _email(resource: Resource) -> str | None:
    publisher = resource.publisher
    email = resource.contact_email or publisher.email or publisher.entity.email
    return f"mailto:{email}" if email else None


def _languages(resource: Resource) -> list[str]:
    return [
        "es-CO" if code == "spa" else str(c.prop("bcp47"))
        for code in (resource.languages or [])
        if (c := _concept("languages", code)) is not None and c.prop("bcp47")
    ]


def _spatial(resource: Resource) -> str:
    """The place the resource covers (a GeoNames URI); the district when it names none, as
    the RDF says (dct:spatial defaults to Bogotá there too)."""
    return resource.spatial if resource.spatial and resource.spatial != BOGOTA else BOGOTA_NAME


def _licence(resource: Resource) -> str | None:
    licence = _concept("licences", resource.license)
    return str(licence.prop("licenceDocument") or licence.uri) if licence is not None else None


def _frequency(resource: Resource) -> str | None:
    frequency = _concept("frequencies", resource.accrual_periodicity)
    value = frequency.prop("dcatUsPeriodicity") if frequency is not None else None
    return str(value) if value else None


def _temporal(resource: Resource) -> str | None:
    if resource.temporal_start and resource.temporal_end:
        return f"{resource.temporal_start.isoformat()}/{resource.temporal_end.isoformat()}"
    return None


def _rights(resource: Resource) -> str | None:
    rights = resource.rights or _exception_rights(resource)
    return rights[:255] if rights else None


# how a registry field becomes its DCAT-US value, where that is more than the stored value
# (catalog/registry.py gives the key); a field not listed here is published as stored
CONVERT: dict[str, Callable[[Resource], Any]] = {
    "description": lambda r: markdown_to_text(r.description) or r.title,
    "keywords": lambda r: r.keyword_list or _subject_words(r),
    "themes": lambda r: _themes(r),
    "modified": lambda r: (r.modified or r.updated_at.date()).isoformat(),
    "accrual_periodicity": _frequency,
    "temporal_start": _temporal,
    "temporal_end": lambda r: None,  # both ends are one `temporal` interval
    "spatial": _spatial,
    "languages": _languages,
    "license": _licence,
    "access_rights": lambda r: ACCESS_LEVEL.get(r.access_rights or "publica", "public"),
    "rights": _rights,
    "contact_name": lambda r: r.contact_name or r.publisher.name,
    "contact_email": _email,
}

# DCAT-US's order of a dataset's keys (the golden record keeps it); others come last
ORDER = (
    "@type identifier title description keyword modified publisher contactPoint accessLevel "
    "landingPage language spatial license rights issued accrualPeriodicity temporal theme "
    "conformsTo distribution goodPractice"
).split()
NESTED_TYPES = {"contactPoint": "vcard:Contact"}


def _as_stored(resource: Resource, spec: Spec) -> Any:
    value = getattr(resource, spec.name)
    if isinstance(value, date):
        return value.isoformat()
    if spec.vocab and isinstance(value, str):
        concept = _concept(spec.vocab, value)
        return concept.label("es") if concept is not None else value
    return value


def dataset_object(resource: Resource) -> dict[str, Any]:
    """One dataset entry of /data.json: the registry's fields that name a DCAT-US key, and
    what DCAT-US asks of every dataset."""
    data: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "identifier": urls.resource_uri(resource.slug),
        "publisher": _organization(resource.publisher),
        "landingPage": urls.resource_page(resource.slug),
    }
    for spec in published("datajson"):
        convert = CONVERT.get(spec.name)
        value = convert(resource) if convert else _as_stored(resource, spec)
        if value in (None, "", []):
            continue
        key, _, inner = (spec.datajson or "").partition(".")
        if inner:
            data.setdefault(key, {"@type": NESTED_TYPES[key]} if key in NESTED_TYPES else {})
            data[key][inner] = value
        else:
            data[key] = value
    distributions = [_distribution(dist) for dist in resource.distributions]
    if distributions:
        data["distribution"] = distributions
    practice = good_practice_summary(resource)
    if practice:  # an extension of DCAT-US (its schema allows more properties)
        data["goodPractice"] = {"@context": {"@vocab": str(CGP)}, **practice}
    if resource.harvest is not None and resource.harvest.original_uri:
        # an extension: where a harvested record comes from (a portal harvesting us back
        # recognises its own record and skips it)
        data["originalIdentifier"] = resource.harvest.original_uri
    rank = {key: n for n, key in enumerate(ORDER)}
    return {key: data[key] for key in sorted(data, key=lambda k: rank.get(k, len(ORDER)))}


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
