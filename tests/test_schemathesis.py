"""Schemathesis against /api/v1/openapi.json on a real HTTP server, with and without a token.

Every operation the OpenAPI describes gets generated requests — valid ones and broken ones —
for a bounded number of examples with a fixed seed (the same run every time). The run must
find no server error, only the statuses and content types the document declares, and the API
must accept what the document says is valid and refuse what it says is not.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import make_token
from .live import serve

CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "negative_data_rejection",
    )
)
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _real_identifiers(app, tmp_path: Path) -> Path:
    """With a token, half the generated slugs and distribution ids are the entity's real ones,
    so writes get past the 404 and into validation, permissions and the database."""
    from catalog.extensions import db
    from catalog.models import Distribution, Publisher, Resource

    with app.app_context():
        sg = db.session.execute(
            db.select(Publisher).where(Publisher.slug == "secretaria-general")
        ).scalar_one()
        resources = db.session.execute(
            db.select(Resource).where(Resource.publisher_id == sg.id)
        ).scalars()
        slugs = [r.slug for r in resources][:8]
        dist_ids = list(
            db.session.execute(
                db.select(Distribution.uuid)
                .join(Resource)
                .where(Resource.publisher_id == sg.id)
                .limit(8)
            ).scalars()
        )
    assert slugs and dist_ids

    def toml_list(values: list[str]) -> str:
        return "[" + ", ".join(f'"{v}"' for v in values) + "]"

    config = tmp_path / "schemathesis.toml"
    config.write_text(
        f"""
[dictionaries.slugs]
values = {toml_list(slugs)}

[dictionaries.distributions]
values = {toml_list(dist_ids)}

[parameters]
"path.slug" = {{ dictionary = "slugs", probability = 0.5 }}
"path.dist_id" = {{ dictionary = "distributions", probability = 0.5 }}
""",
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize("with_token", [False, True], ids=["anonymous", "editor-token"])
def test_schemathesis_finds_no_server_error(demo_app, tmp_path, with_token):
    headers, config = [], []
    if with_token:
        headers = ["-H", f"Authorization: Bearer {make_token(demo_app, 'secretaria-general')}"]
        config = ["--config-file", str(_real_identifiers(demo_app, tmp_path))]
    demo_app.config["SERVER_NAME"] = None
    with serve(demo_app) as base:
        result = subprocess.run(
            [
                str(SCHEMATHESIS),
                *config,
                "run",
                f"{base}/api/v1/openapi.json",
                "--url",
                f"{base}/api/v1",
                "--checks",
                CHECKS,
                "--max-examples",
                "25",
                "--seed",
                "1712",
                "--phases",
                "examples,coverage,fuzzing",
                "--workers",
                "1",
                "--no-color",
                "--request-timeout",
                "30",
                "--generation-database",
                "none",
                *headers,
            ],
            capture_output=True,
            text=True,
            timeout=900,
            cwd=tmp_path,
        )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-12000:]
