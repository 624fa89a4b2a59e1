"""The schema.org Dataset description embedded in resource pages (for search engines)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from .. import urls
from ..markdown import markdown_to_text
from ..models import Publisher, Resource
from ..rdf.mapping import BOGOTA, BOGOTA_LABEL, distribution_urls


def _organization(publisher: Publisher) -> dict[str, Any]:
    org: dict[str, Any] = {
        "@type": "GovernmentOrganization",
        "@id": urls.publisher_uri(publisher.slug),
        "name": publisher.name,
        "url": publisher.homepage or urls.publisher_page(publisher.slug),
    }
    if publisher.parent is not None:
        org["parentOrganization"] = _organization(publisher.parent)
    return org


def dataset(resource: Resource) -> dict[str, Any]:
    vocab = current_app.extensions["vocab"]
    description = markdown_to_text(resource.description) or resource.title
    if len(description) < 50:  # Google asks for 50+ characters
        description = f"{description} — {resource.publisher.name}."
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": urls.resource_uri(resource.slug),
        "name": resource.title,
        "description": description[:5000],
        "url": urls.resource_page(resource.slug),
        "identifier": resource.uuid,
        "inLanguage": [
            (vocab["languages"].get(code).prop("bcp47") if vocab["languages"].get(code) else code)
            for code in (resource.languages or [])
        ],
        "publisher": _organization(resource.publisher),
        "creator": _organization(resource.creator or resource.publisher),
        # what the access rights say: classified or reserved information is not free to access
        "isAccessibleForFree": resource.access_rights in (None, "publica"),
        "spatialCoverage": {
            "@type": "Place",
            "@id": resource.spatial or BOGOTA,
            "name": BOGOTA_LABEL if not resource.spatial else resource.spatial,
        },
    }
    if not data["inLanguage"]:
        del data["inLanguage"]
    type_concept = vocab["resource-types"].get(resource.type)
    if type_concept is not None:
        data["additionalType"] = type_concept.label("es")
    if resource.keyword_list:
        data["keywords"] = resource.keyword_list
    licence = vocab["licences"].get(resource.license) if resource.license else None
    if licence is not None:
        data["license"] = str(licence.prop("licenceDocument") or licence.uri)
    if resource.issued:
        data["datePublished"] = resource.issued.isoformat()
    data["dateModified"] = (resource.modified or resource.updated_at.date()).isoformat()
    if resource.temporal_start or resource.temporal_end:
        start = resource.temporal_start.isoformat() if resource.temporal_start else ".."
        end = resource.temporal_end.isoformat() if resource.temporal_end else ".."
        data["temporalCoverage"] = f"{start}/{end}"
    if resource.version_label:
        data["version"] = resource.version_label
    downloads = []
    for dist in resource.distributions:
        access, download = distribution_urls(dist)
        item: dict[str, Any] = {
            "@type": "DataDownload",
            "contentUrl": download or access,
            "name": dist.title or resource.title,
        }
        if dist.media_type:
            item["encodingFormat"] = dist.media_type
        if dist.byte_size:
            item["contentSize"] = f"{dist.byte_size} B"
        downloads.append(item)
    if downloads:
        data["distribution"] = downloads
    return data
