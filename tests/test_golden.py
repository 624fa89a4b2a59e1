"""Golden outputs: a refactoring changes no byte a user or harvester receives.

The demo catalog is made deterministic (ids give every uuid and timestamp), its stored outputs
are re-rendered, and each public document — the four full dumps, data.json, the CKAN API
answers, the feeds — is compared with the SHA-256 recorded in tests/golden/outputs.json, on
SQLite and PostgreSQL alike. A change meant to alter an output updates the record with
``CATALOG_GOLDEN_UPDATE=1`` and says why in its commit; on a mismatch the document is written
next to the test's temporary files, to diff.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sqlalchemy import text

from catalog.extensions import db
from catalog.models import Resource
from catalog.services.derived import refresh_derived

GOLDEN = Path(__file__).parent / "golden" / "outputs.json"
DOCUMENTS = (
    "/catalog.nt?page_size=all",
    "/catalog.ttl?page_size=all",
    "/catalog.jsonld?page_size=all",
    "/catalog.rdf?page_size=all",
    "/data.json",
    "/api/3/action/package_search?rows=1000&sort=id%20asc",
    "/api/3/action/package_show?id=decreto-221-2023-mipg-distrito",
    "/api/3/action/package_search?rows=0&facet.field="
    '["organization","tags","groups","res_format","license_id"]',
    "/api/3/action/organization_list?all_fields=true",
    "/api/3/action/group_list?all_fields=true",
    "/api/3/action/tag_list",
    "/feeds/recursos.rss",
    "/feeds/recursos.atom",
    "/feeds/entidad/secretaria-general.atom",
    "/api/v1/openapi.json",
)


def make_deterministic(app) -> None:
    """Every uuid and timestamp from the row's id, then every stored output re-rendered."""
    with app.app_context():
        for table, prefix in (("resource", 1), ("distribution", 2), ("publisher", 3)):
            rows = db.session.execute(text(f"SELECT id FROM {table}")).scalars().all()
            for ident in rows:
                db.session.execute(
                    text(
                        f"UPDATE {table} SET uuid = :uuid, created_at = :created, "
                        "updated_at = :updated WHERE id = :id"
                    ),
                    {
                        "uuid": f"0000000{prefix}-0000-4000-8000-{ident:012d}",
                        "created": f"2026-01-01 08:{ident // 60 % 60:02d}:{ident % 60:02d}",
                        "updated": f"2026-02-01 09:{ident // 60 % 60:02d}:{ident % 60:02d}",
                        "id": ident,
                    },
                )
        db.session.execute(
            text(
                "UPDATE resource SET published_at = CASE WHEN published_at IS NULL THEN NULL "
                "ELSE updated_at END, withdrawn_at = CASE WHEN withdrawn_at IS NULL THEN NULL "
                "ELSE updated_at END, reviewed_on = NULL"  # demo reviews follow today
            )
        )
        db.session.commit()
        for resource in db.session.execute(db.select(Resource)).scalars():
            refresh_derived(resource)
        db.session.commit()


def test_public_outputs_are_byte_identical_to_the_golden_record(demo_app, tmp_path):
    demo_app.config.update(CATALOG_BASE_URI="https://catalogo.bogota.gov.co")
    make_deterministic(demo_app)
    client = demo_app.test_client()
    digests, bodies = {}, {}
    for path in DOCUMENTS:
        response = client.get(path)
        assert response.status_code == 200, path
        bodies[path] = response.get_data()
        digests[path] = hashlib.sha256(bodies[path]).hexdigest()
    if os.environ.get("CATALOG_GOLDEN_UPDATE") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(digests, indent=2) + "\n")
    recorded = json.loads(GOLDEN.read_text())
    changed = []
    for path, digest in digests.items():
        if recorded.get(path) != digest:
            name = path.strip("/").replace("/", "_").replace("?", "_")
            (tmp_path / name).write_bytes(bodies[path])
            changed.append(path)
    assert not changed, f"outputs changed: {changed} (written to {tmp_path})"
