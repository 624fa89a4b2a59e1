"""An entity's administrators create and manage its own units (dependencias)."""

from __future__ import annotations

from catalog.extensions import db
from catalog.models import Publisher, Resource

from .conftest import add_two_entities, database_state
from .workspace_helpers import add_user, csrf_token, sign_in

UNITS = "/publicar/entidad/entidad-a/dependencias"
NAME = "Dirección de Desarrollo Institucional"


def _post(client, url, **data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_entity_admin_creates_a_unit_its_editors_publish_under(app):
    add_two_entities(app)
    add_user(app, "admin.a@entidad-a.gov.co", "entidad-a", role="admin")
    add_user(app, "editora.a@entidad-a.gov.co", "entidad-a")
    admin = app.test_client()
    sign_in(admin, "admin.a@entidad-a.gov.co")
    created = _post(admin, UNITS, name=NAME, acronym="DDI", email="ddi@entidad-a.gov.co")
    assert created.status_code == 303
    with app.app_context():
        unit = db.session.execute(db.select(Publisher).where(Publisher.name == NAME)).scalar_one()
        assert unit.parent.slug == "entidad-a" and unit.kind == "dependencia"
        assert unit.slug == "entidad-a-direccion-de-desarrollo-institucional"
        slug = unit.slug
    assert NAME in admin.get(UNITS).get_data(as_text=True)
    # an editor of the entity now finds it in the form and publishes under it
    editor = app.test_client()
    sign_in(editor, "editora.a@entidad-a.gov.co")
    form = editor.get("/publicar/nuevo?tipo=guia").get_data(as_text=True)
    assert f'value="{slug}"' in form
    token = csrf_token(form)
    saved = editor.post(
        "/publicar/nuevo",
        data={"csrf_token": token, "type": "guia", "title": "Guía de la DDI", "publisher": slug},
    )
    assert saved.status_code in (302, 303), saved.get_data(as_text=True)[:500]
    with app.app_context():
        resource = db.session.execute(
            db.select(Resource).where(Resource.title == "Guía de la DDI")
        ).scalar_one()
        assert resource.publisher.slug == slug
    # and the public entity page lists it as a unit of A
    assert NAME in app.test_client().get("/entidad/entidad-a").get_data(as_text=True)
    # renaming keeps the slug (URIs never change)
    renamed = _post(admin, f"{UNITS}/{slug}", name="Dirección de Desarrollo Institucional y TIC")
    assert renamed.status_code == 303
    with app.app_context():
        assert (
            db.session.execute(db.select(Publisher.name).where(Publisher.slug == slug))
            .scalar_one()
            .endswith("TIC")
        )


def test_refusals_change_nothing(app):
    add_two_entities(app)
    add_user(app, "admin.a@entidad-a.gov.co", "entidad-a", role="admin")
    add_user(app, "admin.b@entidad-b.gov.co", "entidad-b", role="admin")
    add_user(app, "editora.a@entidad-a.gov.co", "entidad-a")
    with app.app_context():
        entity_b = db.session.execute(
            db.select(Publisher).where(Publisher.slug == "entidad-b")
        ).scalar_one()
        db.session.add(
            Publisher(slug="unidad-b", name="Unidad de B", kind="dependencia", parent=entity_b)
        )
        db.session.commit()
    clients = {}
    for who in (
        "admin.a@entidad-a.gov.co",
        "admin.b@entidad-b.gov.co",
        "editora.a@entidad-a.gov.co",
    ):
        clients[who] = app.test_client()
        sign_in(clients[who], who)
    tokens = {
        who: csrf_token(c.get("/publicar/nuevo?tipo=guia").get_data(as_text=True))
        for who, c in clients.items()
    }
    before = database_state(app)

    def post(who, url, **data):
        return clients[who].post(url, data={"csrf_token": tokens[who], **data})

    assert post("admin.b@entidad-b.gov.co", UNITS, name=NAME).status_code == 403
    assert post("editora.a@entidad-a.gov.co", UNITS, name=NAME).status_code == 403
    blank = post("admin.a@entidad-a.gov.co", UNITS, name="")
    assert blank.status_code == 422 and 'id="name"' in blank.get_data(as_text=True)
    duplicate = post("admin.a@entidad-a.gov.co", UNITS, name="unidad de a")
    assert duplicate.status_code == 422
    assert "ya tiene una dependencia con ese nombre" in duplicate.get_data(as_text=True)
    # a unit of another entity cannot be reached from this entity's pages
    stolen = post("admin.a@entidad-a.gov.co", f"{UNITS}/unidad-b", name="Robada")
    assert stolen.status_code == 404
    assert database_state(app) == before
