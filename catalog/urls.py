"""The public URIs and links of everything the catalog publishes, under CATALOG_BASE_URI."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app


def base() -> str:
    return current_app.config["CATALOG_BASE_URI"]


def catalog_uri() -> str:
    return f"{base()}/id/catalogo"


def resource_uri(slug: str) -> str:
    return f"{base()}/id/recurso/{slug}"


def resource_page(slug: str) -> str:
    return f"{base()}/recurso/{slug}"


def publisher_uri(slug: str) -> str:
    return f"{base()}/id/entidad/{slug}"


def publisher_page(slug: str) -> str:
    return f"{base()}/entidad/{slug}"


def contact_uri(slug: str) -> str:
    return f"{base()}/id/entidad/{slug}#contacto"


def distribution_uri(uuid: str) -> str:
    return f"{base()}/id/distribucion/{uuid}"


def file_url(uuid: str, file_name: str) -> str:
    return f"{base()}/archivos/{uuid}/{quote(file_name)}"


def absolute(path: str) -> str:
    """An absolute URL for an app path ('/buscar?q=x' → base + path)."""
    return base() + path
