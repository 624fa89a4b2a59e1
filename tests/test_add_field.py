"""Adding a field is one registry entry plus its migration.

A fresh interpreter adds `abstract` ("resumen para la ciudadanía") to `catalog.registry` — one
`Spec`, nothing else in the code — and runs the migration (`ALTER TABLE … ADD COLUMN`). Then a
publisher uses it as they would: the API takes it (and refuses it too long, naming it), the
workspace form and the spreadsheet template offer it, a revision records its change in Spanish,
and the DCAT description (read back through the profile), data.json, the CKAN API and the
OpenAPI document carry it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import json, sys, tempfile
from pathlib import Path

from catalog import registry

SPEC = registry.Spec(
    "abstract",
    "resumen para la ciudadanía",
    stored=True,
    column="resumen",
    column_help="Resumen en lenguaje claro.",
    input="long",
    max_length=500,
    form=registry.Form("Resumen para la ciudadanía", "textarea", section="general"),
    sql="text",
    dcat=("dct:abstract", "text"),
    datajson="abstract",
    ckan_extra="abstract",
)
registry.RESOURCE = (*registry.RESOURCE, SPEC)
registry.BY_NAME[SPEC.name] = SPEC

from flask_migrate import upgrade
from rdflib import Graph, URIRef
from sqlalchemy import text
from werkzeug.datastructures import MultiDict

from catalog import create_app
from catalog.demo.loader import load_demo
from catalog.extensions import db
from catalog.rdf import profile
from catalog.services.actors import Actor
from catalog.services.bulk_import import template_csv
from catalog.services.resources import find_publisher
from catalog.services.tokens import create_token
from catalog.workspace.form import read_form

tmp = Path(tempfile.mkdtemp())
app = create_app({
    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'db.sqlite'}",
    "CATALOG_BASE_URI": "http://catalogo.test",
    "TESTING": True,
    "SERVER_NAME": "catalogo.test",
    "CATALOG_FILES_DIR": str(tmp / "files"),
    "CATALOG_WITNESS_FILE": str(tmp / "chain-head.json"),
})
out = {}
with app.app_context():
    upgrade(revision="heads")
    db.session.execute(text("ALTER TABLE resource ADD COLUMN abstract TEXT"))  # the migration
    db.session.commit()
    load_demo()
    _, token = create_token(find_publisher("secretaria-general"), "editor", Actor.system("t"))
    out["template"] = template_csv().decode("utf-8-sig").splitlines()[0]
    out["form"] = read_form(
        MultiDict({"title": "Guía", "type": "guia", "abstract": "  Para todos.  "}),
        None,
        "guia",
    ).data.get("abstract")

client = app.test_client()
auth = {"Authorization": f"Bearer {token}"}
body = {
    "title": "Guía de trámites en lenguaje claro",
    "type": "guia",
    "publisher": "secretaria-general",
    "status": "published",
    "abstract": "Cómo hacer un trámite, paso a paso.",
    "distributions": [{"access_url": "https://example.org/guia"}],
}
too_long = client.post("/api/v1/resources", json={**body, "abstract": "x" * 501}, headers=auth)
out["too_long"] = [too_long.status_code, too_long.get_json()]
created = client.post("/api/v1/resources", json=body, headers=auth)
out["created"] = created.status_code
slug = created.get_json()["slug"]
etag = client.get(f"/api/v1/resources/{slug}", headers=auth).headers["ETag"]
patched = client.patch(
    f"/api/v1/resources/{slug}",
    json={"abstract": "Un trámite, paso a paso."},
    headers={**auth, "If-Match": etag},
)
out["patched"] = patched.status_code
out["api"] = client.get(f"/api/v1/resources/{slug}").get_json().get("abstract")
history = client.get(f"/api/v1/resources/{slug}/history", headers=auth).get_json()
out["history"] = json.dumps(history, ensure_ascii=False)
graph = Graph().parse(data=client.get(f"/recurso/{slug}.ttl").data, format="turtle")
with app.app_context():
    subject = URIRef(f"http://catalogo.test/id/recurso/{slug}")
    out["rdf"] = profile.read(graph, subject, app.extensions["vocab"]).get("abstract")
    out["rdf_lang"] = [o.language for o in graph.objects(subject, URIRef("http://purl.org/dc/terms/abstract"))]
datajson = client.get("/data.json").get_json()
out["datajson"] = [d.get("abstract") for d in datajson["dataset"] if d.get("abstract")]
package = client.get(f"/api/3/action/package_show?id={slug}").get_json()["result"]
out["ckan"] = {e["key"]: e["value"] for e in package["extras"]}.get("abstract")
openapi = client.get("/api/v1/openapi.json").get_json()
out["openapi"] = openapi["components"]["schemas"]["Resource"]["properties"].get("abstract")
print(json.dumps(out, ensure_ascii=False))
"""


def test_one_registry_entry_and_a_migration_make_a_new_field_work_everywhere():
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "CATALOG_SECRET_KEY": "test-secret-key-not-for-production"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    # the API refuses it too long, naming the field in Spanish; takes it otherwise
    status, problem = out["too_long"]
    assert status == 422 and "abstract" in json.dumps(problem)
    assert "Máximo 500 caracteres" in json.dumps(problem, ensure_ascii=False)
    assert out["created"] == 201 and out["patched"] == 200
    assert out["api"] == "Un trámite, paso a paso."
    # the spreadsheet template has its column; the form reads it (trimmed)
    assert "resumen" in out["template"].split(";")
    assert out["form"] == "Para todos."
    # a revision records the change under its Spanish name
    assert "resumen para la ciudadanía" in out["history"]
    # DCAT (in Spanish), read back through the same declaration; data.json; CKAN; OpenAPI
    assert out["rdf"] == "Un trámite, paso a paso." and out["rdf_lang"] == ["es"]
    assert out["datajson"] == ["Un trámite, paso a paso."]
    assert out["ckan"] == "Un trámite, paso a paso."
    assert out["openapi"]["maxLength"] == 500
    assert out["openapi"]["title"] == "Resumen para la ciudadanía"
