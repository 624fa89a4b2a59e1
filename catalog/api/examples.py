"""One working example for each operation of /api/v1: the OpenAPI carries the bodies, the
documentation page shows them as curl commands, and a test runs every command it shows."""

from __future__ import annotations

import uuid
from typing import Any

EXAMPLE_SLUG = "guia-atencion-ciudadania-ejemplo"
EXAMPLE_PUBLISHER = "secretaria-general"
# placeholders the reader replaces: the token, the ETag of the last read, a distribution's id
TOKEN, ETAG, DIST_ID = "$TOKEN", "$ETAG", "$DIST_ID"

_RESOURCE = {
    "slug": EXAMPLE_SLUG,
    "title": "Guía de atención a la ciudadanía",
    "type": "guia",
    "publisher": EXAMPLE_PUBLISHER,
    "status": "published",
    "description": "Cómo atender en los puntos de servicio: turnos, tiempos y canales.",
    "keywords": ["atención a la ciudadanía", "servicio"],
    "issued": "2026-03-02",
    "languages": ["spa"],
    "contact_email": "servicio@example.gov.co",
}
_DISTRIBUTION = {
    "title": "Guía en PDF",
    "download_url": "https://www.example.gov.co/guia-atencion.pdf",
}

# (path, method) -> what the example sends: path parameters, query, JSON body or form parts
EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("/publishers", "get"): {},
    ("/publishers/{slug}", "get"): {"path": {"slug": EXAMPLE_PUBLISHER}},
    ("/resources", "get"): {"query": {"publisher": EXAMPLE_PUBLISHER, "type": "guia", "limit": 20}},
    ("/resources", "post"): {"body": _RESOURCE},
    ("/resources/{slug}", "get"): {},
    ("/resources/{slug}", "put"): {
        "body": {**_RESOURCE, "title": "Guía de atención a la ciudadanía 2026"}
    },
    ("/resources/{slug}", "patch"): {
        "body": {"keywords": ["atención a la ciudadanía", "servicio", "turnos"]}
    },
    ("/resources/{slug}", "delete"): {
        "body": {"reason": "Duplicado del recurso guia-atencion-2025; consulte ese recurso."}
    },
    ("/resources/{slug}/withdraw", "post"): {
        "body": {"reason": "Reemplazada por la guía de 2027, que ya está publicada."}
    },
    ("/resources/{slug}/publish", "post"): {},
    ("/resources/{slug}/unpublish", "post"): {},
    ("/resources/{slug}/history", "get"): {},
    ("/resources/{slug}/distributions", "get"): {},
    ("/resources/{slug}/distributions", "post"): {"body": _DISTRIBUTION},
    ("/resources/{slug}/files", "post"): {
        "form": {"file": "@turnos-2026.csv;type=text/csv", "title": "Turnos atendidos en 2026"}
    },
    ("/resources/{slug}/distributions/{dist_id}", "get"): {},
    ("/resources/{slug}/distributions/{dist_id}", "put"): {
        "body": {**_DISTRIBUTION, "title": "Guía en PDF (versión accesible)"}
    },
    ("/resources/{slug}/distributions/{dist_id}", "patch"): {"body": {"title": "Guía (PDF)"}},
    ("/resources/{slug}/distributions/{dist_id}", "delete"): {},
}


def path_values(path: str, method: str) -> dict[str, str]:
    values = {"slug": EXAMPLE_SLUG, "dist_id": DIST_ID}
    values.update(EXAMPLES[(path, method)].get("path", {}))
    return values


def body(path: str, method: str) -> dict[str, Any] | None:
    return EXAMPLES[(path, method)].get("body")


def idempotency_key(path: str, method: str) -> str:
    """A fixed key per example (a real client makes a new UUID for each creation)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{method} {path}"))
