"""Harvest-in from live HTTP servers on loopback: a second instance of this catalog (through
DCAT, CKAN and data.json) and documents shaped like what CKAN, ArcGIS Hub and Socrata serve.

The harvesting instance is a real app on its own database with its own base URI; the source
is a real werkzeug server. Every run goes through the vetted fetcher, allowed to reach the
loopback source only by CATALOG_FETCH_ALLOW_HOSTS.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask, Response

from catalog.extensions import db
from catalog.models import PUBLISHED, WITHDRAWN, HarvestRecord, HarvestSource, Resource, Revision

from .conftest import _dispose, add_two_entities, make_app, make_token
from .live import serve

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "harvest"


@pytest.fixture
def target(templates, tmp_path) -> Iterator[Flask]:
    """An empty catalog with another base URI, which harvests."""
    database = templates["empty"].clone()
    app = make_app(
        database.url,
        tmp_path / "target",
        CATALOG_BASE_URI="http://destino.test",
        SERVER_NAME="destino.test",
    )
    add_two_entities(app)
    try:
        yield app
    finally:
        _dispose(app)
        database.drop()


@contextmanager
def live_catalog(app: Flask) -> Iterator[str]:
    """Serve a catalog live, its links (paging included) under the address it is served at."""
    with serve(app) as url:
        from catalog.publishing import publish

        app.config["CATALOG_BASE_URI"] = url
        app.config["SERVER_NAME"] = None
        with app.app_context():
            for resource in db.session.execute(db.select(Resource)).scalars():
                publish(resource)
            db.session.commit()
        yield url


def allow(app: Flask, url: str) -> None:
    app.config["CATALOG_FETCH_ALLOW_HOSTS"] = urlsplit(url).netloc


def harvest(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["harvest", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def add(app: Flask, name: str, kind: str, url: str, *extra: str) -> None:
    code, output = harvest(
        app, "add", name, "--publisher", "entidad-a", "--kind", kind, "--url", url, *extra
    )
    assert code == 0, output


def harvested(app: Flask) -> dict[str, Resource]:
    with app.app_context():
        rows = db.session.execute(db.select(Resource).join(HarvestRecord)).scalars().all()
        out = {}
        for r in rows:
            out[r.title] = {
                "status": r.status,
                "keywords": sorted(r.keyword_list),
                "license": r.license,
                "issued": r.issued,
                "distributions": len(r.distributions),
                "publisher": r.publisher.slug,
                "slug": r.slug,
            }
        return out


def published_titles(app: Flask, public_only: bool = False) -> set[str]:
    with app.app_context():
        query = db.select(Resource.title).where(Resource.status == PUBLISHED)
        if public_only:  # classified or reserved ones need their Ley 1712 exception, which
            # only the source's register holds: refused, with the reason, by every kind
            query = query.where(
                db.or_(Resource.access_rights.is_(None), Resource.access_rights == "publica")
            )
        return set(db.session.execute(query).scalars().all())


SOURCES = {
    "dcat": "/catalog.ttl?page_size=10",
    "ckan": "/",
    "datajson": "/data.json",
}


def test_a_second_instance_harvested_through_each_kind_gives_the_same_resources(
    demo_app, target, templates, tmp_path
):
    titles = published_titles(demo_app, public_only=True)
    restricted = len(published_titles(demo_app)) - len(titles)
    assert restricted >= 1
    seen = {}
    with live_catalog(demo_app) as url:
        for kind, path in SOURCES.items():
            database = templates["empty"].clone()
            app = make_app(
                database.url,
                tmp_path / kind,
                CATALOG_BASE_URI="http://destino.test",
                SERVER_NAME="destino.test",
            )
            try:
                add_two_entities(app)
                allow(app, url)
                add(app, f"demo-{kind}", kind, url + path)
                code, output = harvest(app, "run", f"demo-{kind}")
                assert code == 0, output
                assert f"nuevos {len(titles)}," in output, output
                assert f"rechazados {restricted}," in output
                assert "exception_ground" in output or "accessLevel «non-public»" in output
                seen[kind] = harvested(app)
            finally:
                _dispose(app)
                database.drop()
    for kind, resources in seen.items():
        assert set(resources) == titles, kind
        assert all(
            r["status"] == PUBLISHED and r["publisher"] == "entidad-a" for r in resources.values()
        )
    for title in titles:
        views = {kind: seen[kind][title] for kind in seen}
        keywords = {k: tuple(v["keywords"]) for k, v in views.items()}
        licences = {k: v["license"] for k, v in views.items()}
        distributions = {k: v["distributions"] for k, v in views.items()}
        assert len(set(licences.values())) == 1, (title, licences)
        assert len(set(distributions.values())) == 1, (title, distributions)
        assert keywords["dcat"] == keywords["ckan"], (title, keywords)


def test_create_update_unchanged_removed_and_back(demo_app, target):
    from catalog.services.actors import Actor
    from catalog.services.resources import change_status, get_resource, update_resource

    with live_catalog(demo_app) as url:
        allow(target, url)
        add(target, "demo", "dcat", url + "/catalog.ttl?page_size=20", "--grace", "7d")
        code, output = harvest(target, "run", "demo")
        total = len(published_titles(demo_app, public_only=True))
        assert code == 0 and f"nuevos {total}," in output, output
        with target.app_context():
            revisions = db.session.query(Revision).count()
            record = (
                db.session.execute(db.select(HarvestRecord).order_by(HarvestRecord.id))
                .scalars()
                .first()
            )
            slug, remote = record.resource.slug, record.remote_id
        etag = target.test_client().get(f"/api/v1/resources/{slug}").headers["ETag"]

        # unchanged: nothing written, not even a revision or a new ETag
        code, output = harvest(target, "run", "demo")
        assert code == 0 and f"sin cambios {total}," in output and "nuevos 0," in output, output
        with target.app_context():
            assert db.session.query(Revision).count() == revisions
        assert target.test_client().get(f"/api/v1/resources/{slug}").headers["ETag"] == etag

        # changed at the source: the same resource is updated
        source_slug = remote.rsplit("/", 1)[1]
        with demo_app.app_context():
            resource = get_resource(source_slug)
            update_resource(
                resource, {"title": "Título cambiado en la fuente"}, Actor.system(), partial=True
            )
        code, output = harvest(target, "run", "demo")
        assert "actualizados 1," in output and "nuevos 0," in output, output
        with target.app_context():
            assert (
                db.session.execute(
                    db.select(Resource.title).where(Resource.slug == slug)
                ).scalar_one()
                == "Título cambiado en la fuente"
            )

        # withdrawn at the source: kept during the grace period, withdrawn after it
        with demo_app.app_context():
            change_status(get_resource(source_slug), WITHDRAWN, Actor.system(), reason="fin")
        code, output = harvest(target, "run", "demo")
        assert "retirados 0," in output, output
        with target.app_context():
            row = db.session.execute(
                db.select(HarvestRecord).where(HarvestRecord.remote_id == remote)
            ).scalar_one()
            assert row.missing_since is not None and row.resource.status == PUBLISHED
            row.missing_since -= timedelta(days=8)
            db.session.commit()
        code, output = harvest(target, "run", "demo")
        assert "retirados 1," in output, output
        client = target.test_client()
        assert client.get(f"/recurso/{slug}").status_code == 410
        gone = client.get("/retirados.json").get_data(as_text=True)
        assert slug in gone and "retirado en la fuente" in gone

        # listed again: it comes back
        with demo_app.app_context():
            change_status(get_resource(source_slug), PUBLISHED, Actor.system())
        code, output = harvest(target, "run", "demo")
        assert "de vuelta 1," in output, output
        assert client.get(f"/recurso/{slug}").status_code == 200

        # the page says where it comes from; the DCAT keeps the original identifier
        page = client.get(f"/recurso/{slug}").get_data(as_text=True)
        assert "Cosechado de" in page and remote in page
        ttl = client.get(f"/recurso/{slug}.ttl").get_data(as_text=True)
        assert remote in ttl and "adms:identifier" in ttl

    # the source is gone: the run fails (exit 2) and withdraws nothing
    code, output = harvest(target, "run", "demo")
    assert code == 2 and "la fuente falló" in output, output
    with target.app_context():
        assert db.session.query(Resource).filter(Resource.status == WITHDRAWN).count() == 0


@pytest.mark.parametrize(
    "kind, path", [("dcat", "/catalog.nt?page_size=20"), ("ckan", "/")], ids=["dcat", "ckan"]
)
def test_incremental_runs_ask_only_for_what_changed_and_withdraw_nothing(
    demo_app, target, kind, path
):
    from catalog.services.actors import Actor
    from catalog.services.resources import change_status, get_resource, update_resource

    with demo_app.app_context():  # the source's records were last changed two days ago
        from catalog.models.types import utcnow

        db.session.execute(db.update(Resource).values(updated_at=utcnow() - timedelta(days=2)))
        db.session.commit()
    with live_catalog(demo_app) as url:
        allow(target, url)
        add(target, "demo", kind, url + path)
        code, output = harvest(target, "run", "demo")
        total = len(published_titles(demo_app, public_only=True))
        assert code == 0 and f"nuevos {total}," in output, output
        with target.app_context():
            record = (
                db.session.execute(db.select(HarvestRecord).order_by(HarvestRecord.id))
                .scalars()
                .first()
            )
            changed_slug = record.resource.slug
            source_slug = record.original_uri.rstrip("/").rsplit("/", 1)[1]
            other = (
                db.session.execute(db.select(HarvestRecord).where(HarvestRecord.id != record.id))
                .scalars()
                .first()
            )
            gone_slug = other.original_uri.rstrip("/").rsplit("/", 1)[1]
            gone_remote = other.remote_id
        with demo_app.app_context():
            changed, gone = get_resource(source_slug), get_resource(gone_slug)
            update_resource(changed, {"title": "Cambiado hoy"}, Actor.system(), partial=True)
            change_status(gone, WITHDRAWN, Actor.system(), reason="fin")

        # incremental: the source lists only what changed; nothing is withdrawn
        code, output = harvest(target, "run", "demo", "--incremental")
        assert code == 0, output
        assert "incremental: solo lo modificado desde" in output, output
        assert "1 registros." in output and "actualizados 1," in output, output
        assert "retirados 0," in output, output
        with target.app_context():
            row = db.session.execute(
                db.select(HarvestRecord).where(HarvestRecord.remote_id == gone_remote)
            ).scalar_one()
            assert row.missing_since is None and row.resource.status == PUBLISHED
            assert (
                db.session.execute(
                    db.select(Resource.title).where(Resource.slug == changed_slug)
                ).scalar_one()
                == "Cambiado hoy"
            )
            last = db.session.execute(
                db.select(HarvestSource).where(HarvestSource.name == "demo")
            ).scalar_one()
            assert last.runs[0].complete is False

        # a complete run (the default by name) sees the whole listing and starts the grace
        code, output = harvest(target, "run", "demo")
        assert f"sin cambios {total - 1}," in output and "incremental" not in output, output
        with target.app_context():
            row = db.session.execute(
                db.select(HarvestRecord).where(HarvestRecord.remote_id == gone_remote)
            ).scalar_one()
            assert row.missing_since is not None


def test_harvested_resources_are_read_only(demo_app, target):
    with live_catalog(demo_app) as url:
        allow(target, url)
        add(target, "demo", "dcat", url + "/catalog.ttl?page_size=50")
        assert harvest(target, "run", "demo")[0] == 0
    token = make_token(target, "entidad-a")
    with target.app_context():
        slug = db.session.execute(db.select(Resource.slug).join(HarvestRecord)).scalars().first()
    client = target.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    before = client.get(f"/api/v1/resources/{slug}").get_json()
    answer = client.patch(f"/api/v1/resources/{slug}", json={"title": "Otro"}, headers=auth)
    assert answer.status_code == 409
    assert "modifíquelo en la fuente" in answer.get_json()["message"]
    assert client.post(f"/api/v1/resources/{slug}/unpublish", headers=auth).status_code == 409
    assert client.get(f"/api/v1/resources/{slug}").get_json()["title"] == before["title"]


def test_two_instances_harvesting_each_other_never_loop(demo_app, target):
    before = published_titles(demo_app)
    with live_catalog(demo_app) as source_url:
        allow(target, source_url)
        add(target, "demo", "dcat", source_url + "/catalog.ttl?page_size=50")
        assert harvest(target, "run", "demo")[0] == 0
        total = len(published_titles(demo_app, public_only=True))
        with live_catalog(target) as target_url:
            allow(demo_app, target_url)
            with demo_app.app_context():
                from catalog.federation import sync

                sync.add_source("vuelta", "secretaria-general", "dcat", target_url + "/catalog.ttl")
            code, output = harvest(demo_app, "run", "vuelta")
            assert code == 0 and "nuevos 0," in output and f"propios omitidos {total}" in output
            for kind, path in (("datajson", "/data.json"), ("ckan", "/")):
                with demo_app.app_context():
                    sync.add_source(f"vuelta-{kind}", "secretaria-general", kind, target_url + path)
                code, output = harvest(demo_app, "run", f"vuelta-{kind}")
                assert code == 0 and "nuevos 0," in output, (kind, output)
    assert published_titles(demo_app) == before


# ------------------------------------------------------------------ real portals' shapes


def fixture_server(documents: dict[str, tuple[str, bytes]]) -> Flask:
    app = Flask("fixtures")

    @app.route("/", defaults={"path": ""})
    @app.route("/<path:path>")
    def serve_document(path: str):
        from flask import request

        key = "/" + path + (("?" + request.query_string.decode()) if request.query_string else "")
        for candidate in (key, "/" + path):
            if candidate in documents:
                kind, body = documents[candidate]
                return Response(body, content_type=kind)
        return Response("no", status=404)

    return app


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


PORTALS = {
    "ckan-2.10": (
        "ckan",
        "/",
        {"/api/3/action/package_search": ("application/json", "ckan-2.10-package_search.json")},
        3,
    ),
    "arcgis-hub": (
        "datajson",
        "/data.json",
        {"/data.json": ("application/json", "arcgis-hub-data.json")},
        2,
    ),
    "socrata": (
        "datajson",
        "/data.json",
        {"/data.json": ("application/json", "socrata-data.json")},
        2,
    ),
    "ckanext-dcat": (
        "dcat",
        "/catalog.xml",
        {"/catalog.xml": ("application/rdf+xml", "ckanext-dcat-catalog.xml")},
        2,
    ),
    "udata": (
        "dcat",
        "/catalog.jsonld",
        {
            "/catalog.jsonld": ("application/ld+json", "udata-catalog.jsonld"),
            "/catalog.jsonld?page=2": ("application/ld+json", "udata-catalog-2.jsonld"),
        },
        2,
    ),
    "geonetwork": (
        "dcat",
        "/catalog.ttl",
        {"/catalog.ttl": ("text/turtle; charset=utf-8", "geonetwork-catalog.ttl")},
        1,
    ),
}


@pytest.mark.parametrize("portal", sorted(PORTALS))
def test_documents_shaped_like_real_portals(target, portal):
    kind, path, files, expected = PORTALS[portal]
    server = fixture_server({key: (ctype, load(name)) for key, (ctype, name) in files.items()})
    with serve(server) as url:
        allow(target, url)
        add(target, "portal", kind, url + path)
        code, output = harvest(target, "run", "portal")
        assert code == 0, output
        assert f"nuevos {expected}," in output and "rechazados 0," in output, output
        code, output = harvest(target, "run", "portal")
        assert f"sin cambios {expected}," in output, output
    resources = harvested(target)
    assert len(resources) == expected
    with target.app_context():
        for resource in db.session.execute(db.select(Resource)).scalars():
            assert "<" not in (resource.description or ""), resource.description
            assert resource.distributions, resource.title
            assert resource.harvest.original_uri.startswith("http"), resource.title
            for field, value in CHECKS.get(resource.title, {}).items():
                got = resource.keyword_list if field == "keywords" else getattr(resource, field)
                if field == "themes":
                    got = [t.rsplit("/", 1)[1] for t in resource.theme_uris]
                if field == "description":
                    assert value in got, (resource.title, got)
                else:
                    assert str(got) == str(value), (resource.title, field, got)


# what each portal's record must become (vocabulary matches, cleaned text, dates)
CHECKS = {
    "Siniestros viales consolidados": {
        "license": "cc-by-4.0",
        "themes": ["transporte"],
        "contact_email": "datosabiertos@movilidad.gov.co",
        "issued": "2021-03-02",
        "version_label": "2024",
    },
    "Arbolado urbano": {
        "license": "odbl-1.0",
        "description": "Censo del *arbolado urbano* de la ciudad.",
        "themes": ["ambiente-desarrollo-sostenible"],
    },
    "Localidades. Bogotá D.C.": {
        "contact_email": None,
        "contact_name": None,
        "description": "**Acuerdo 8 de 1977**",
        "spatial": None,
        "issued": "2019-05-14",
    },
    "Estratificación socioeconómica": {"license": "cc-by-sa-4.0"},
    "Comparendos de tránsito en Bogotá": {"license": "odbl-1.0", "themes": ["transporte"]},
    "Matrícula oficial por colegio": {
        "keywords": ["colegios", "matrícula"],
        "accrual_periodicity": "annual",
    },
    "Calidad del aire - RMCAB": {
        "issued": "2021-04-27",
        "license": "cc-by-4.0",
        "contact_email": "aire@ambientebogota.gov.co",
    },
    "Red hídrica de Bogotá D.C.": {"spatial": None, "languages": ["spa"]},
}


BAD = {
    "doctype": (
        "/catalog.rdf",
        "application/rdf+xml",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&x;</rdf:RDF>',
        "DOCTYPE",
    ),
    "remote-context": (
        "/catalog.jsonld",
        "application/ld+json",
        json.dumps({"@context": "https://example.org/context.jsonld", "@id": "x"}).encode(),
        "contexto remoto",
    ),
    "not-rdf": ("/catalog.ttl", "text/turtle", b"esto no es turtle <<<", "no es RDF"),
    "not-json": ("/data.json", "application/json", b"{no json", "no es JSON"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_sources_are_refused_and_nothing_is_stored(target, case):
    path, content_type, body, reason = BAD[case]
    kind = "datajson" if path.endswith(".json") else "dcat"
    server = fixture_server({path: (content_type, body)})
    with serve(server) as url:
        allow(target, url)
        add(target, "mala", kind, url + path)
        code, output = harvest(target, "run", "mala")
    assert code == 2 and reason in output, output
    with target.app_context():
        assert db.session.query(Resource).count() == 0


def test_a_repeated_next_page_stops_the_run(target):
    page = (
        b"@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
        b"<http://x.test/c> hydra:view <http://x.test/v> .\n"
    )
    documents = {}
    server = fixture_server(documents)
    with serve(server) as url:
        documents["/a.ttl"] = (
            "text/turtle",
            page + f"<{url}/v> hydra:next <{url}/b.ttl> .".encode(),
        )
        documents["/b.ttl"] = (
            "text/turtle",
            page + f"<{url}/v> hydra:next <{url}/a.ttl> .".encode(),
        )
        allow(target, url)
        add(target, "ciclo", "dcat", url + "/a.ttl")
        code, output = harvest(target, "run", "ciclo")
    assert code == 2 and "se repite" in output, output


def test_private_addresses_are_refused_without_an_allowance(target):
    add(target, "privada", "dcat", "http://127.0.0.1:9/catalog.ttl")
    code, output = harvest(target, "run", "privada")
    assert code == 2 and "rechazada" in output, output
    add(target, "metadatos", "datajson", "http://169.254.169.254/latest/data.json")
    code, output = harvest(target, "run", "metadatos")
    assert code == 2 and "rechazada" in output, output


def test_bad_source_definitions_are_refused_with_the_field(target):
    code, output = harvest(
        target,
        "add",
        "Mal Nombre",
        "--publisher",
        "nadie",
        "--kind",
        "dcat",
        "--url",
        "ftp://x",
        "--every",
        "pronto",
    )
    assert code == 1
    for field in ("name:", "publisher:", "url:", "every:"):
        assert field in output, output
    with target.app_context():
        assert db.session.query(HarvestSource).count() == 0


def test_size_cap_deadline_and_page_limit_stop_a_source(target):
    import time as clock

    big = b"@prefix dct: <http://purl.org/dc/terms/> .\n" + b"# relleno\n" * 20000
    app = fixture_server({"/grande.ttl": ("text/turtle", big)})

    @app.route("/lento.ttl")
    def slow():
        def trickle():
            for _ in range(50):
                clock.sleep(0.1)
                yield b"# "

        return Response(trickle(), content_type="text/turtle")

    docs: dict[str, tuple[str, bytes]] = {}
    paged = fixture_server(docs)
    with serve(app) as url, serve(paged) as paged_url:
        for n in range(5):  # an endless chain of pages
            hydra_next = "<http://www.w3.org/ns/hydra/core#next>"
            link = f"<{paged_url}/v> {hydra_next} <{paged_url}/p{n + 1}.ttl> ."
            docs[f"/p{n}.ttl"] = ("text/turtle", link.encode())
        target.config.update(
            CATALOG_FETCH_MAX_BYTES=100_000, CATALOG_FETCH_DEADLINE=1.0, CATALOG_HARVEST_MAX_PAGES=3
        )
        target.config["CATALOG_FETCH_ALLOW_HOSTS"] = (
            f"{urlsplit(url).netloc},{urlsplit(paged_url).netloc}"
        )
        add(target, "grande", "dcat", url + "/grande.ttl")
        add(target, "paginas", "dcat", paged_url + "/p0.ttl")
        code, output = harvest(target, "run", "paginas")
        assert code == 2 and "más de 3 páginas" in output, output
        add(target, "lenta", "dcat", url + "/lento.ttl")
        code, output = harvest(target, "run", "grande")
        assert code == 2 and "tamaño máximo" in output, output
        started = clock.monotonic()
        code, output = harvest(target, "run", "lenta")
        assert code == 2 and "sin respuesta completa" in output, output
        assert clock.monotonic() - started < 4
    with target.app_context():
        assert db.session.query(Resource).count() == 0


def test_dry_run_changes_nothing_and_a_locked_source_does_not_start(demo_app, target):
    from .conftest import database_state

    with live_catalog(demo_app) as url:
        allow(target, url)
        add(target, "demo", "dcat", url + "/catalog.ttl?page_size=50")
        before = database_state(target)
        code, output = harvest(target, "run", "demo", "--dry-run")
        total = len(published_titles(demo_app, public_only=True))
        assert code == 0 and "Simulación" in output and f"nuevos {total}," in output, output
        assert database_state(target) == before
        with target.app_context():  # another host holds the run lock
            source = db.session.execute(db.select(HarvestSource)).scalar_one()
            from catalog.models.types import utcnow

            source.lock_until = utcnow() + timedelta(minutes=30)
            db.session.commit()
        code, output = harvest(target, "run", "demo")
        assert code == 3 and "en curso" in output, output
        with target.app_context():
            assert db.session.query(Resource).count() == 0
            source = db.session.execute(db.select(HarvestSource)).scalar_one()
            source.lock_until = None
            db.session.commit()
        # --due runs what is due (never run), then nothing until the schedule says so
        code, output = harvest(target, "run", "--due")
        assert code == 0 and f"nuevos {total}," in output, output
        code, output = harvest(target, "run", "--due")
        assert code == 0 and output.strip() == "", output
        with target.app_context():
            source = db.session.execute(db.select(HarvestSource)).scalar_one()
            assert source.lock_until is None and source.runs[0].status == "ok"
            assert source.runs[0].counts["created"] == total


def test_after_harvesting_the_catalog_still_conforms_and_every_output_carries_it(target):
    from rdflib import Graph

    from .test_rdf import shacl_results

    documents = {}
    for portal in ("ckan-2.10", "socrata", "ckanext-dcat", "geonetwork"):
        kind, path, files, _ = PORTALS[portal]
        documents[portal] = (kind, path, {k: (c, load(n)) for k, (c, n) in files.items()})
    for portal, (kind, path, files) in documents.items():
        with serve(fixture_server(files)) as url:
            allow(target, url)
            name = portal.replace(".", "-")
            add(target, name, kind, url + path)
            assert harvest(target, "run", name)[0] == 0
    client = target.test_client()
    graph = Graph().parse(data=client.get("/catalog.ttl?page_size=all").data, format="turtle")
    for name, found in shacl_results(graph).items():
        assert not found["Violation"], (name, found["Violation"][:5])
    titles = harvested(target)
    assert len(titles) == 8
    data = client.get("/data.json").get_json()
    assert {d["title"] for d in data["dataset"]} == set(titles)
    assert all(d.get("originalIdentifier") for d in data["dataset"])
    ckan = client.get("/api/3/action/package_search?rows=100").get_json()["result"]
    assert ckan["count"] == 8
    feed = client.get("/feeds/recursos.atom").get_data(as_text=True)
    assert "Siniestros viales consolidados" in feed
