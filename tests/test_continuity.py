"""`catalog export` / `catalog import`: the whole catalog out as a BagIt archive and back in,
on the same database and across SQLite and PostgreSQL, and every bad archive refused with
nothing written."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import bagit
import pytest
from flask import Flask

from catalog.extensions import db
from catalog.models import PUBLISHED, Publisher, Resource, Revision

from .conftest import _dispose, make_app, make_token
from .databases import BACKEND


def cli(app: Flask, *args: str) -> tuple[int, str, str]:
    result = app.test_cli_runner().invoke(args=list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def upload(app: Flask, content: bytes = b"anio;valor\n2024;1\n") -> str:
    client = app.test_client()
    auth = {"Authorization": f"Bearer {make_token(app, 'secretaria-general')}"}
    found = client.get("/api/v1/resources?publisher=secretaria-general&limit=1").get_json()
    slug = found["items"][0]["slug"]
    answer = client.post(
        f"/api/v1/resources/{slug}/files",
        data={"file": (io.BytesIO(content), "datos.csv")},
        headers=auth,
    )
    assert answer.status_code == 201, answer.get_json()
    return slug


def dump(app: Flask) -> bytes:
    answer = app.test_client().get("/catalog.nt?page_size=all")
    assert answer.status_code == 200
    return answer.get_data()


def state(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            "resources": db.session.query(Resource).count(),
            "publishers": db.session.query(Publisher).count(),
            "revisions": db.session.query(Revision).count(),
        }


def hosted(app: Flask) -> dict[str, bytes]:
    root = Path(app.config["CATALOG_FILES_DIR"])
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def empty_sqlite(tmp: Path) -> Flask:
    from flask_migrate import upgrade

    tmp.mkdir(parents=True, exist_ok=True)
    app = make_app(f"sqlite:///{tmp / 'otra.sqlite3'}", tmp)
    with app.app_context():
        upgrade(revision="heads")
    return app


@pytest.fixture
def exported(demo_app, tmp_path) -> Path:
    upload(demo_app)
    result = demo_app.test_cli_runner().invoke(
        args=["user", "create", "editora@sg.gov.co", "--publisher", "secretaria-general"],
        input="una clave larga y segura 2026\n",
    )
    assert result.exit_code == 0, result.output
    archive = tmp_path / "catalogo.zip"
    code, out, err = cli(demo_app, "export", str(archive))
    assert code == 0, err
    assert "datos personales" in err  # the operator is told what the archive holds
    return archive


@pytest.fixture
def target(templates, tmp_path) -> Flask:
    database = templates["empty"].clone()
    app = make_app(database.url, tmp_path / "destino")
    yield app
    _dispose(app)
    database.drop()


def test_the_archive_is_a_valid_bag_that_says_what_it_holds(demo_app, exported, tmp_path):
    with zipfile.ZipFile(exported) as archive:
        archive.extractall(tmp_path / "bag")
    bag = bagit.Bag(str(tmp_path / "bag"))
    assert bag.is_valid() and "sha256" in bag.algorithms
    info = bag.info
    with demo_app.app_context():
        head = db.session.execute(db.text("SELECT hash, length FROM chain_head")).one()
        assert info["Catalog-Chain-Head"] == head.hash
        assert info["Catalog-Chain-Length"] == str(head.length)
        assert info["Catalog-Resources"] == str(db.session.query(Resource).count())
        assert info["Catalog-Revisions"] == str(db.session.query(Revision).count())
        drafts = db.session.query(Resource).filter(Resource.status != PUBLISHED).count()
    assert drafts >= 1
    assert info["Catalog-Files"] == "1" and info["Catalog-Contains-Personal-Data"] == "sí"
    payload = tmp_path / "bag" / "data"
    lines = (payload / "tables" / "resource.jsonl").read_text().splitlines()
    assert len(lines) == int(info["Catalog-Resources"])  # drafts and withdrawn ones too
    accounts = [
        json.loads(x) for x in (payload / "tables" / "user_account.jsonl").read_text().splitlines()
    ]
    assert accounts and all(a["password_hash"] is None for a in accounts)
    tokens = [
        json.loads(x) for x in (payload / "tables" / "api_token.jsonl").read_text().splitlines()
    ]
    assert tokens and all(t["token_hash"].startswith("sin-secreto") for t in tokens)
    # the open-format reader's copy: the very bytes of the served dump
    assert (payload / "catalog.nt").read_bytes() == dump(demo_app)
    (sha,) = [p.name for p in (payload / "files").iterdir()]
    assert len(sha) == 64 and (payload / "vocab").is_dir()


def test_round_trip_gives_the_same_catalog_byte_for_byte(demo_app, exported, target):
    code, out, err = cli(target, "import", str(exported))
    assert code == 0, err
    assert state(target) == state(demo_app)
    assert dump(target) == dump(demo_app)
    assert hosted(target) == hosted(demo_app) and hosted(target)
    code, out, err = cli(target, "verify")
    assert code == 0 and "Historial íntegro" in out, err
    source_head = json.loads(Path(demo_app.config["CATALOG_WITNESS_FILE"]).read_text())
    assert json.loads(Path(target.config["CATALOG_WITNESS_FILE"]).read_text()) == source_head
    # search works on the imported catalog (its index is rebuilt, not copied)
    page = target.test_client().get("/buscar?q=gestion")
    assert page.status_code == 200 and "resultado" in page.get_data(as_text=True)
    # new rows get new ids after the imported ones (sequences follow on PostgreSQL)
    with target.app_context():
        before = db.session.query(Revision).count()
    from catalog.services.actors import Actor
    from catalog.services.resources import get_resource, update_resource

    with target.app_context():
        slug = db.session.execute(db.select(Resource.slug).order_by(Resource.id)).scalar()
        update_resource(get_resource(slug), {"version_label": "9.9"}, Actor.system(), partial=True)
        assert db.session.query(Revision).count() == before + 1
    assert cli(target, "verify")[0] == 0


@pytest.mark.skipif(BACKEND != "postgresql", reason="needs both databases: PostgreSQL run")
def test_postgresql_to_sqlite_and_back(demo_app, exported, target, tmp_path):
    sqlite = empty_sqlite(tmp_path / "sqlite")
    try:
        code, _, err = cli(sqlite, "import", str(exported))
        assert code == 0, err
        assert dump(sqlite) == dump(demo_app) and hosted(sqlite) == hosted(demo_app)
        assert cli(sqlite, "verify")[0] == 0
        again = tmp_path / "desde-sqlite.zip"
        assert cli(sqlite, "export", str(again))[0] == 0
    finally:
        _dispose(sqlite)
    code, _, err = cli(target, "import", str(again))
    assert code == 0, err
    assert dump(target) == dump(demo_app) and cli(target, "verify")[0] == 0


def test_public_only_holds_nothing_that_is_not_public(demo_app, tmp_path):
    archive = tmp_path / "publico.zip"
    code, out, err = cli(demo_app, "export", str(archive), "--public-only")
    assert code == 0, err and "datos personales" not in err
    with zipfile.ZipFile(archive) as bag:
        names = set(bag.namelist())
        tables = {
            n.split("/")[-1][:-6]: bag.read(n).decode().splitlines()
            for n in names
            if n.startswith("data/tables/")
        }
        info = bag.read("bag-info.txt").decode()
    assert "Catalog-Contains-Personal-Data: no" in info
    for private in ("revision", "user_account", "api_token", "membership", "harvest_source"):
        assert tables[private] == [], private
    resources = [json.loads(x) for x in tables["resource"]]
    assert resources and all(r["status"] == PUBLISHED for r in resources)
    for row in map(json.loads, tables["collaborator"]):
        assert row["show_publicly"] and row["phone"] is None
    with demo_app.app_context():
        phones = [p for (p,) in db.session.execute(db.text("SELECT phone FROM collaborator")) if p]
    assert phones  # the demo has phones; none went out
    for n in names:
        if n.startswith("data/tables/"):
            with zipfile.ZipFile(archive) as bag:
                text = bag.read(n).decode()
            assert not any(p in text for p in phones), n


def test_a_public_only_archive_is_not_a_restore(demo_app, target, tmp_path):
    archive = tmp_path / "publico.zip"
    assert cli(demo_app, "export", str(archive), "--public-only")[0] == 0
    code, _, err = cli(target, "import", str(archive))
    assert code == 1 and "exportación pública" in err
    assert state(target) == {"resources": 0, "publishers": 0, "revisions": 0}


# ------------------------------------------------------------------ bad archives


def _rezip(src: Path, dst: Path, change=None, resave: bool = False) -> Path:
    """Unpack the bag, let `change` edit it, optionally recompute its manifests, zip again."""
    work = dst.parent / (dst.stem + "-bag")
    with zipfile.ZipFile(src) as archive:
        archive.extractall(work)
    if change:
        change(work)
    if resave:
        bagit.Bag(str(work)).save(manifests=True)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(work.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(work).as_posix())
    shutil.rmtree(work)
    return dst


def _edit_revision(work: Path) -> None:
    path = work / "data" / "tables" / "revision.jsonl"
    rows = [json.loads(x) for x in path.read_text().splitlines()]
    rows[0]["summary"] = "Resumen cambiado a escondidas"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def _future(work: Path) -> None:
    info = work / "bag-info.txt"
    info.write_text(
        info.read_text().replace("Catalog-Export-Format: 1", "Catalog-Export-Format: 99")
    )


def _unknown_column_at_the_end(work: Path) -> None:
    # the last tables to be written hold a bad row: everything before it must be undone
    path = work / "data" / "tables" / "file_check.jsonl"
    path.write_text(path.read_text() + json.dumps({"distribution_id": 1, "intruso": 1}) + "\n")


def _bad_cases(exported: Path, tmp: Path) -> dict[str, tuple[Path, str]]:
    tmp.mkdir()
    truncated = tmp / "truncado.zip"
    truncated.write_bytes(exported.read_bytes()[: exported.stat().st_size // 2])
    foreign = tmp / "ajeno.zip"
    with zipfile.ZipFile(foreign, "w") as z:
        z.writestr("hola.txt", "no soy un catálogo")
    traversal = tmp / "ruta.zip"
    with zipfile.ZipFile(traversal, "w") as z:
        z.writestr("../../fuera.txt", "x")
    absolute = tmp / "absoluta.zip"
    with zipfile.ZipFile(absolute, "w") as z:
        z.writestr("/tmp/fuera.txt", "x")
    bomb = tmp / "bomba.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("data/ceros.bin", b"\0" * (64 * 1024**2))
    not_zip = tmp / "texto.zip"
    not_zip.write_text("esto no es un zip")
    return {
        "tampered": (_rezip(exported, tmp / "alterado.zip", _edit_revision), "BagIt"),
        "tampered-resealed": (
            _rezip(exported, tmp / "resellado.zip", _edit_revision, resave=True),
            "historial",
        ),
        "future": (_rezip(exported, tmp / "futuro.zip", _future, resave=True), "más nueva"),
        "half-way": (
            _rezip(exported, tmp / "mitad.zip", _unknown_column_at_the_end, resave=True),
            "columnas desconocidas",
        ),
        "truncated": (truncated, "zip"),
        "foreign": (foreign, "BagIt"),
        "traversal": (traversal, "ruta insegura"),
        "absolute": (absolute, "ruta insegura"),
        "bomb": (bomb, "bomba"),
        "not-zip": (not_zip, "no es un archivo zip"),
    }


def test_every_bad_archive_is_refused_and_nothing_is_written(exported, target, tmp_path):
    cases = _bad_cases(exported, tmp_path / "malos")
    for name, (archive, why) in cases.items():
        code, _, err = cli(target, "import", str(archive))
        assert code == 1, (name, err)
        assert why in err and "No se importó nada" in err, (name, err)
        assert state(target) == {"resources": 0, "publishers": 0, "revisions": 0}, name
        assert hosted(target) == {}, name
    assert not (tmp_path.parent / "fuera.txt").exists()
    # the good archive still goes in afterwards: the refusals left nothing behind
    assert cli(target, "import", str(exported))[0] == 0


def test_import_refuses_a_database_that_is_not_empty(demo_app, exported):
    before = state(demo_app)
    code, _, err = cli(demo_app, "import", str(exported))
    assert code == 1 and "no está vacía" in err
    assert state(demo_app) == before


def test_export_refuses_a_bad_target_with_a_clear_message(demo_app, tmp_path):
    code, _, err = cli(demo_app, "export", str(tmp_path / "no-existe" / "a.zip"))
    assert code == 1 and "la carpeta no existe" in err
    code, _, err = cli(demo_app, "export", str(tmp_path / "a.tar"))
    assert code == 1 and ".zip" in err
    assert not list(tmp_path.glob("catalog-export-*"))  # no half-written work left


def test_with_accounts_the_staff_signs_in_after_the_move(demo_app, exported, target, tmp_path):
    from catalog.services.accounts import authenticate

    # without --with-accounts the account comes back without its password
    assert cli(target, "import", str(exported))[0] == 0
    with target.app_context():
        assert authenticate("editora@sg.gov.co", "una clave larga y segura 2026") is None
    full = tmp_path / "con-cuentas.zip"
    assert cli(demo_app, "export", str(full), "--with-accounts")[0] == 0
    with zipfile.ZipFile(full) as bag:
        assert "Catalog-Password-Hashes: sí" in bag.read("bag-info.txt").decode()
    app = empty_sqlite(tmp_path / "otra")  # a fresh install elsewhere receives it
    try:
        assert cli(app, "import", str(full))[0] == 0
        with app.app_context():
            user = authenticate("editora@sg.gov.co", "una clave larga y segura 2026")
            assert user is not None and user.memberships
    finally:
        _dispose(app)


def test_an_export_is_one_snapshot_while_publishers_write(demo_app, tmp_path):
    """A resource published while the export runs (after its first table was read, before
    the resources were) is in none of its parts: tables, counts, chain head and dump agree."""
    from catalog.continuity.archive import export_archive
    from catalog.services.actors import Actor
    from catalog.services.resources import create_resource

    wrote: list[str] = []

    def write_meanwhile(line: str) -> None:
        if wrote:
            return
        with demo_app.app_context():  # another session: a publisher elsewhere
            existing = db.session.execute(db.select(Resource).order_by(Resource.id)).scalar()
            data = {
                "type": existing.type,
                "publisher": existing.publisher.slug,
                "status": PUBLISHED,
                "title": "Publicado durante la exportación",
            }
            wrote.append(create_resource(data, Actor.system()).slug)

    archive = tmp_path / "durante.zip"
    with demo_app.app_context():
        before = db.session.query(Resource).count()
        summary = export_archive(archive, progress=write_meanwhile)
        assert db.session.query(Resource).count() == before + 1  # the write did happen
    assert wrote and summary.counts["resource"] == before
    with zipfile.ZipFile(archive) as bag:
        resources = bag.read("data/tables/resource.jsonl").decode()
        revisions = bag.read("data/tables/revision.jsonl").decode().splitlines()
        nt = bag.read("data/catalog.nt").decode()
        info = bag.read("bag-info.txt").decode()
    assert wrote[0] not in resources and wrote[0] not in nt
    assert f"Catalog-Revisions: {len(revisions)}" in info
    last = json.loads(revisions[-1])
    assert f"Catalog-Chain-Head: {last['catalog_hash']}" in info
