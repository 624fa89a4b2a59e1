"""End to end: the real `catalog` command and a real HTTP server, driven like a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from .conftest import BASE_URI
from .live import serve

ROOT = Path(__file__).resolve().parent.parent


def catalog_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from catalog.cli import main; main()", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_cli_demo_is_idempotent_and_token_works(tmp_path):
    env = {
        **os.environ,
        "CATALOG_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "CATALOG_SECRET_KEY": "e2e",
    }
    first = catalog_cli("demo", env=env)
    assert first.returncode == 0, first.stderr
    assert "63 recursos nuevos" in first.stdout
    again = catalog_cli("demo", env=env)
    assert again.returncode == 0 and "0 recursos nuevos" in again.stdout
    # the first run made one demo administrator with a random password, shown once
    password = first.stdout.rsplit("contraseña: ", 1)[1].split()[0]
    assert "admin@demo.bogota.gov.co" not in again.stdout
    from catalog import create_app

    from .workspace_helpers import sign_in

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["CATALOG_DATABASE_URL"]})
    assert sign_in(app.test_client(), "admin@demo.bogota.gov.co", password).status_code == 302
    with app.app_context():
        from catalog.extensions import db

        db.engine.dispose()
    made = catalog_cli(
        "token", "create", "--publisher", "secretaria-general", "--role", "editor", env=env
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().splitlines()[-1].startswith("cgp_")


def test_publish_over_http_then_harvest_as_rdf(demo_app):
    from .conftest import make_token

    token = make_token(demo_app, "secretaria-general")
    demo_app.config.update(SERVER_NAME=None)
    with serve(demo_app) as base:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}"}
        created = session.post(
            f"{base}/api/v1/resources",
            json={
                "title": "Lineamiento de prueba extremo a extremo",
                "type": "lineamiento",
                "publisher": "secretaria-general",
                "status": "published",
                "keywords": ["prueba"],
                "license": "cc-by-4.0",
            },
            headers=headers,
            timeout=30,
        )
        assert created.status_code == 201, created.text
        slug = created.json()["slug"]
        refused = session.patch(
            f"{base}/api/v1/resources/{slug}", json={"title": ""}, headers=headers, timeout=30
        )
        assert refused.status_code == 422 and "title" in refused.json()["fields"]
        turtle = session.get(
            f"{base}/recurso/{slug}", headers={"Accept": "text/turtle"}, timeout=30
        )
        assert turtle.status_code == 200
        assert turtle.headers["Content-Type"].startswith("text/turtle")
        g = Graph().parse(data=turtle.text, format="turtle")
        subject = URIRef(f"{BASE_URI}/id/recurso/{slug}")
        assert str(g.value(subject, DCTERMS.title)) == "Lineamiento de prueba extremo a extremo"
