"""CKAN's shapes of what the catalog publishes: package, organisation and group dicts.

CKAN's core keys are fixed; every other registry field that names a CKAN extra
(catalog/registry.py `ckan_extra`) becomes one. The Action API (ckan.py) serves these.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy.orm import selectinload

from .. import urls
from ..markdown import markdown_to_text
from ..models import Publisher, Resource
from ..rdf.good_practice import good_practice_summary
from ..rdf.mapping import distribution_urls
from ..registry import published


def ckan_license_id(licence) -> str | None:
    if licence is None:
        return None
    value = licence.prop("ckanLicenseId")
    return str(value) if value else "notspecified"


def organization_dict(publisher: Publisher, count: int | None = None) -> dict[str, Any]:
    data = {
        "id": publisher.uuid,
        "name": publisher.slug,
        "title": publisher.name,
        "display_name": publisher.name,
        "description": publisher.description or "",
        "image_url": "",
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "created": publisher.created_at.replace(tzinfo=None).isoformat(),
    }
    if count is not None:
        data["package_count"] = count
    return data


def _groups(resource: Resource, vocab) -> list[dict[str, Any]]:
    """The resource's datos.gov.co categories as CKAN groups."""
    groups = []
    for uri in resource.theme_uris:
        concept = vocab.concept(uri)
        if concept is not None and concept.scheme == "datos-gov-co":
            groups.append(
                {
                    "name": concept.notation,
                    "title": concept.label("es"),
                    "display_name": concept.label("es"),
                }
            )
    return groups


def _resources(resource: Resource, vocab) -> list[dict[str, Any]]:
    """The distributions as CKAN resources."""
    resources = []
    for position, dist in enumerate(resource.distributions):
        access, download = distribution_urls(dist)
        fmt = vocab["file-types"].get(dist.format) if dist.format else None
        resources.append(
            {
                "id": dist.uuid,
                "package_id": resource.uuid,
                "name": dist.title or resource.title,
                "description": markdown_to_text(dist.description),
                "url": download or access,
                "format": (fmt.notation.upper() if fmt else (dist.format or "")).replace("-", " "),
                "mimetype": dist.media_type,
                "size": dist.byte_size,
                "hash": f"sha256:{dist.checksum_sha256}" if dist.checksum_sha256 else "",
                "position": position,
                "created": dist.created_at.replace(tzinfo=None).isoformat(),
                "last_modified": dist.updated_at.replace(tzinfo=None).isoformat(),
                "state": "active",
                "url_type": "upload" if dist.file_key else None,
            }
        )
    return resources


def package_options() -> tuple:
    """What package_dict reads, loaded with the resources in a few queries (never one per row)."""
    return (
        selectinload(Resource.publisher).selectinload(Publisher.parent),
        selectinload(Resource.creator),
        selectinload(Resource.keywords),
        selectinload(Resource.themes),
        selectinload(Resource.distributions),
        selectinload(Resource.good_practice),
        selectinload(Resource.harvest),
    )


def package_dict(resource: Resource) -> dict[str, Any]:
    vocab = current_app.extensions["vocab"]
    licence = (
        vocab["licences"].get(resource.license)
        if resource.license and "licences" in vocab
        else None
    )
    groups = _groups(resource, vocab)
    resources = _resources(resource, vocab)
    return {
        "id": resource.uuid,
        "name": resource.slug,
        "title": resource.title,
        "notes": markdown_to_text(resource.description),
        "type": "dataset",
        "state": "active",
        "private": False,
        "url": urls.resource_page(resource.slug),
        "version": resource.version_label,
        # CKAN's own licence ids, so CKAN harvesters and ckanext-dcat recognise them
        "license_id": ckan_license_id(licence) or "notspecified",
        "license_title": str(licence.prop("ckanLicenseTitle") or licence.label("en"))
        if licence
        else "License not specified",
        "license_url": str(licence.prop("licenceDocument") or licence.uri) if licence else None,
        "isopen": bool(licence.prop("openLicence")) if licence else False,
        "author": resource.publisher.name,
        "author_email": resource.contact_email or resource.publisher.email,
        "maintainer": resource.contact_name,
        "maintainer_email": resource.contact_email,
        "metadata_created": resource.created_at.replace(tzinfo=None).isoformat(),
        "metadata_modified": resource.updated_at.replace(tzinfo=None).isoformat(),
        "owner_org": resource.publisher.uuid,
        "organization": organization_dict(resource.publisher),
        "tags": [{"name": k, "display_name": k, "state": "active"} for k in resource.keyword_list],
        "groups": groups,
        "num_tags": len(resource.keyword_list),
        "resources": resources,
        "num_resources": len(resources),
        "extras": [
            {"key": "uri", "value": urls.resource_uri(resource.slug)},
            *_extras(resource, vocab),
            *_good_practice_extras(resource),
            *_provenance_extras(resource),
        ],
    }


# how a registry field becomes its CKAN extra, where that is more than the stored value
EXTRA_VALUE: dict[str, Callable[[Resource, Any], str | None]] = {
    "type": lambda r, vocab: c.uri if (c := vocab["resource-types"].get(r.type)) else r.type,
    "modified": lambda r, vocab: (r.modified or r.updated_at.date()).isoformat(),
}


def _extra_text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _extras(resource: Resource, vocab) -> list[dict[str, str]]:
    """The registry's fields that name a CKAN extra (CKAN's core keys are fixed, so a new
    field becomes an extra); an extra with no value is left out, as CKAN itself does."""
    extras = []
    for spec in published("ckan_extra"):
        convert = EXTRA_VALUE.get(spec.name)
        value = convert(resource, vocab) if convert else getattr(resource, spec.name)
        if value not in (None, "", []):
            extras.append({"key": spec.ckan_extra or spec.name, "value": _extra_text(value)})
    return extras


def _provenance_extras(resource: Resource) -> list[dict[str, str]]:
    """Where a harvested record comes from (a portal harvesting us back skips its own)."""
    record = resource.harvest
    if record is None or not record.original_uri:
        return []
    return [{"key": "original_uri", "value": record.original_uri}]


def _good_practice_extras(resource: Resource) -> list[dict[str, str]]:
    """The good-practice form as CKAN extras `cgp:<term>` (lists and objects as JSON text, as
    ckanext-dcat writes its list extras)."""
    extras = []
    for key, value in good_practice_summary(resource).items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str):
            text = value
        else:
            text = json.dumps(value, ensure_ascii=False)
        extras.append({"key": f"cgp:{key}", "value": text})
    return extras
