"""Route × actor matrix: every route of the app, asked by every kind of actor.

The routes come from the app's URL map, so a new route that is not classified below makes
`test_every_route_is_classified` fail: none can escape the matrix. For each route the actors that
may not use it are asked first; they must be refused with the right status, the database must be
unchanged afterwards, and no response to a non-member may carry a private field (a
collaborator's phone or hidden name, a staff e-mail, an internal storage key).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from catalog.extensions import db

from .conftest import _dispose, add_two_entities, database_state, make_app
from .databases import Template
from .workspace_helpers import PASSWORD, PDF

# who may use a route
PUBLIC = "public"  # anyone; a resource's routes follow the resource (drafts: members only)
SIGNED_IN = "signed-in"  # any signed-in account
EDIT = "edit"  # editors of the resource's entity (or above it), catalog admins
MANAGE = "manage"  # the entity's admins, catalog admins
ADMIN = "admin"  # catalog admins only

ROUTES: dict[str, str] = {
    "static": PUBLIC,
    "public.home": PUBLIC,
    "public.about": PUBLIC,
    "public.search_page": PUBLIC,
    "public.theme_page": PUBLIC,
    "public.publisher_page": PUBLIC,
    "public.publisher_rdf": PUBLIC,
    "public.publisher_id": PUBLIC,
    "public.catalog_id": PUBLIC,
    "public.ontology_page": PUBLIC,
    "public.ontology_rdf": PUBLIC,
    "public.resource_page": PUBLIC,
    "public.resource_rdf": PUBLIC,
    "public.resource_id": PUBLIC,
    "public.distribution_id": PUBLIC,
    "public.hosted_file": PUBLIC,
    "harvest.ckan_action": PUBLIC,
    "harvest.catalog_negotiate": PUBLIC,
    "harvest.catalog_rdf": PUBLIC,
    "harvest.data_json": PUBLIC,
    "harvest.withdrawn": PUBLIC,
    "harvest.robots": PUBLIC,
    "harvest.sitemap": PUBLIC,
    "harvest.sitemap_part": PUBLIC,
    "feeds.search": PUBLIC,
    "feeds.entity": PUBLIC,
    "feeds.keyword": PUBLIC,
    "feeds.site": PUBLIC,
    "feeds.theme": PUBLIC,
    "feeds.resource_type": PUBLIC,
    "stewardship.register_page": PUBLIC,
    "stewardship.register_download": PUBLIC,
    "stewardship.catalog_state": PUBLIC,
    "stewardship.reviews_feed": PUBLIC,
    "stewardship.head_page": PUBLIC,
    "stewardship.head_json": PUBLIC,
    "stewardship.import_template": PUBLIC,
    "api.index": PUBLIC,
    "api.openapi": PUBLIC,
    "api.docs": PUBLIC,
    "api.list_publishers": PUBLIC,
    "api.get_publisher": PUBLIC,
    "api.list_resources": PUBLIC,
    "api.get_resource": PUBLIC,
    "api.list_distributions": PUBLIC,
    "api.get_distribution": PUBLIC,
    "api.resource_history": PUBLIC,
    "api.create_resource": EDIT,
    "api.replace_resource": EDIT,
    "api.patch_resource": EDIT,
    "api.withdraw_resource": EDIT,
    "api.publish_resource": EDIT,
    "api.unpublish_resource": EDIT,
    "api.add_distribution": EDIT,
    "api.replace_distribution": EDIT,
    "api.patch_distribution": EDIT,
    "api.delete_distribution": EDIT,
    "api.upload_file": EDIT,
    "workspace.sign_in": PUBLIC,
    "workspace.sign_out": SIGNED_IN,
    "workspace.account": SIGNED_IN,
    "workspace.dashboard": SIGNED_IN,
    "workspace.new_resource": SIGNED_IN,
    "workspace.create_resource": EDIT,
    "workspace.entity_dashboard": EDIT,
    "workspace.bulk_upload": EDIT,
    "workspace.edit_resource": EDIT,
    "workspace.update_resource": EDIT,
    "workspace.change_status": EDIT,
    "workspace.history": EDIT,
    "workspace.restore": EDIT,
    "workspace.hosted_file": EDIT,
    "workspace.members": MANAGE,
    "workspace.remove_member": MANAGE,
    "workspace.api_tokens": MANAGE,
    "workspace.revoke_token": MANAGE,
    "workspace.units": MANAGE,
    "workspace.edit_unit": MANAGE,
    "workspace.harvest_sources": MANAGE,
    "workspace.harvest_source": MANAGE,
    "workspace.harvest_run": MANAGE,
    "workspace.harvest_toggle": MANAGE,
    "workspace.admin_publishers": ADMIN,
    "workspace.admin_publisher": ADMIN,
    "workspace.admin_users": ADMIN,
    "workspace.admin_user_flags": ADMIN,
}

ACTORS = [
    "anonymous",
    "revoked",
    "other_editor",
    "other_admin",
    "own_editor",
    "own_admin",
    "catalog_admin",
]
MEMBERS = {"own_editor", "own_admin", "catalog_admin"}
EMAILS = {
    "other_editor": "editor.b@entidad-b.gov.co",
    "other_admin": "admin.b@entidad-b.gov.co",
    "own_editor": "editora.a@entidad-a.gov.co",
    "own_admin": "admin.a@entidad-a.gov.co",
    "catalog_admin": "jefe@catalogo.gov.co",
    "spare": "apoyo.a@entidad-a.gov.co",
}
# private values planted in entity A's resources; none may reach a non-member
PHONE, HIDDEN_NAME, HIDDEN_EMAIL = "3015550199", "Persona Reservada Marcador", "reservada@a.gov.co"
SHOWN_PHONE = "3025550188"


def _practice() -> dict:
    return {
        "collaborators": [
            {"name": "Colaboradora Pública", "phone": SHOWN_PHONE, "show_publicly": True},
            {"name": HIDDEN_NAME, "phone": PHONE, "email": HIDDEN_EMAIL, "show_publicly": False},
        ]
    }


def _resource(title: str, status: str) -> dict:
    return {
        "title": title,
        "type": "buena-practica",
        "publisher": "entidad-a-unidad",
        "description": "Una práctica con datos personales de sus colaboradores.",
        "status": status,
        "good_practice": _practice(),
        "distributions": [{"title": "Sitio", "access_url": "https://example.org/practica"}],
    }


@dataclass
class World:
    """What the template holds: ids and secrets the requests need."""

    tokens: dict[str, str]
    user_ids: dict[str, int]
    nonces: dict[str, str]
    spare_token_id: int
    draft: str
    published: str
    dist: dict[str, str]
    file_key: str
    file_dist: str


def _build(app) -> World:
    from catalog.models import User
    from catalog.schemas.resources import ResourceSchema, load
    from catalog.services import files
    from catalog.services import resources as service
    from catalog.services import snapshot as snap
    from catalog.services.accounts import create_user
    from catalog.services.actors import Actor
    from catalog.services.resources import find_publisher
    from catalog.services.tokens import create_token, revoke_token

    add_two_entities(app)
    with app.app_context():
        roles = {
            "other_editor": ("entidad-b", "editor"),
            "other_admin": ("entidad-b", "admin"),
            "own_editor": ("entidad-a", "editor"),
            "own_admin": ("entidad-a", "admin"),
            "spare": ("entidad-a", "editor"),
        }
        user_ids = {}
        for actor, (publisher, role) in roles.items():
            user = create_user(
                email=EMAILS[actor], password=PASSWORD, publisher_slug=publisher, role=role
            )
            user_ids[actor] = user.id
        admin = create_user(email=EMAILS["catalog_admin"], password=PASSWORD, is_admin=True)
        user_ids["catalog_admin"] = admin.id
        system = Actor.system("prueba")
        tokens = {}
        for actor, (publisher, role) in roles.items():
            tokens[actor] = create_token(find_publisher(publisher), role, system)[1]
        revoked, tokens["revoked"] = create_token(find_publisher("entidad-a"), "admin", system)
        revoke_token(revoked.id, system)
        spare, _ = create_token(find_publisher("entidad-a"), "editor", system)
        editor = Actor.for_user(db.session.get(User, user_ids["own_editor"]))
        made = {}
        for key, status in (("draft", "draft"), ("published", "published")):
            data = load(ResourceSchema(), _resource(f"Práctica {key}", status))
            made[key] = service.create_resource(data, editor)
        stored = files.store_upload(io.BytesIO(PDF), "anexo.pdf", "file")
        resource = made["published"]
        items = snap.snapshot(resource)["distributions"]
        new = stored.as_distribution("Anexo")
        service.update_resource(
            resource, {"distributions": [*items, new]}, editor, partial=True, trusted=True
        )
        file_dist = resource.distributions[-1].uuid
        from catalog.federation.sync import add_source

        # a source whose address the fetcher refuses: a run fails fast, without network
        add_source("fuente-a", "entidad-a", "dcat", "http://127.0.0.1:9/catalogo.ttl")
        world = World(
            tokens=tokens,
            user_ids=user_ids,
            nonces={a: db.session.get(User, i).session_nonce for a, i in user_ids.items()},
            spare_token_id=spare.id,
            draft=made["draft"].slug,
            published=made["published"].slug,
            dist={k: r.distributions[0].uuid for k, r in made.items()},
            file_key=stored.file_key,
            file_dist=file_dist,
        )
        db.session.remove()
    return world


@pytest.fixture(scope="module")
def matrix(templates, tmp_path_factory) -> Iterator[tuple[Template, World, Path]]:
    from flask_migrate import upgrade

    workdir = tmp_path_factory.mktemp("matrix")
    template = Template("matrix", workdir)
    app = make_app(template.url, workdir)
    with app.app_context():
        upgrade(revision="heads")
    world = _build(app)
    _dispose(app)
    template.finish()
    yield template, world, workdir
    template.drop()


def _markers(world: World) -> list[str]:
    staff = [EMAILS[a] for a in ("own_editor", "own_admin", "catalog_admin", "spare")]
    return [PHONE, SHOWN_PHONE, HIDDEN_NAME, HIDDEN_EMAIL, world.file_key, *staff]


@dataclass
class Call:
    method: str
    url: str
    target: str | None = None  # "draft" / "published": whose resource the route reads
    json: dict | None = None
    data: dict | None = None


def _calls(endpoint: str, world: World) -> list[Call]:
    d, p = world.draft, world.published
    both = [("draft", d), ("published", p)]
    body = {"title": "Un título cambiado"}
    dist_body = {"title": "Otro enlace", "access_url": "https://example.org/otro"}
    fixed: dict[str, list[Call]] = {
        "static": [Call("GET", "/static/site.css")],
        "public.home": [Call("GET", "/")],
        "public.about": [Call("GET", "/acerca")],
        "public.search_page": [Call("GET", "/buscar?q=práctica")],
        "public.theme_page": [Call("GET", "/tema/mipg/gestion-conocimiento-innovacion")],
        "public.publisher_page": [Call("GET", "/entidad/entidad-a-unidad")],
        "public.publisher_rdf": [Call("GET", "/entidad/entidad-a-unidad.ttl")],
        "public.publisher_id": [Call("GET", "/id/entidad/entidad-a")],
        "public.catalog_id": [Call("GET", "/id/catalogo")],
        "public.ontology_page": [Call("GET", "/def/ns")],
        "public.ontology_rdf": [Call("GET", "/def/ns.ttl")],
        "public.hosted_file": [
            Call("GET", f"/archivos/{world.file_dist}/anexo.pdf", target="published")
        ],
        "harvest.ckan_action": [
            Call("GET", f"/api/3/action/package_show?id={p}", target="published"),
            Call("GET", f"/api/3/action/package_show?id={d}", target="draft"),
            Call("GET", "/api/3/action/package_search?q=práctica&rows=10"),
        ],
        "harvest.catalog_negotiate": [Call("GET", "/catalog")],
        "harvest.catalog_rdf": [Call("GET", f"/catalog.{x}") for x in ("ttl", "jsonld")],
        "harvest.data_json": [Call("GET", "/data.json")],
        "harvest.withdrawn": [Call("GET", "/retirados.json")],
        "harvest.robots": [Call("GET", "/robots.txt")],
        "harvest.sitemap": [Call("GET", "/sitemap.xml")],
        "harvest.sitemap_part": [Call("GET", "/sitemap-1.xml")],
        "feeds.search": [Call("GET", "/feeds/buscar.atom?q=práctica")],
        "feeds.entity": [Call("GET", "/feeds/entidad/entidad-a.rss")],
        "feeds.keyword": [Call("GET", "/feeds/palabra/práctica.atom")],
        "feeds.site": [Call("GET", "/feeds/recursos.atom"), Call("GET", "/feeds/recursos.rss")],
        "feeds.theme": [Call("GET", "/feeds/tema/mipg/gestion-conocimiento-innovacion.atom")],
        "feeds.resource_type": [Call("GET", "/feeds/tipo/buena-practica.rss")],
        "stewardship.register_page": [Call("GET", "/entidad/entidad-a/registro-activos")],
        "stewardship.register_download": [Call("GET", "/entidad/entidad-a/registro-activos.csv")],
        "stewardship.catalog_state": [Call("GET", "/estado")],
        "stewardship.reviews_feed": [Call("GET", "/feeds/revisiones/entidad-a.atom")],
        "stewardship.head_page": [Call("GET", "/integridad")],
        "stewardship.head_json": [Call("GET", "/integridad.json")],
        "stewardship.import_template": [Call("GET", "/importacion/plantilla.csv")],
        "api.index": [Call("GET", "/api/v1")],
        "api.openapi": [Call("GET", "/api/v1/openapi.json")],
        "api.docs": [Call("GET", "/api/v1/docs")],
        "api.list_publishers": [Call("GET", "/api/v1/publishers")],
        "api.get_publisher": [Call("GET", "/api/v1/publishers/entidad-a")],
        "api.list_resources": [
            Call("GET", "/api/v1/resources"),
            Call("GET", "/api/v1/resources?status=draft"),
        ],
        "api.create_resource": [
            Call("POST", "/api/v1/resources", json=_resource("Nueva práctica", "draft"))
        ],
        "workspace.sign_in": [Call("GET", "/publicar/ingresar")],
        "workspace.sign_out": [Call("POST", "/publicar/salir")],
        "workspace.account": [Call("GET", "/publicar/cuenta")],
        "workspace.dashboard": [Call("GET", "/publicar/")],
        "workspace.new_resource": [Call("GET", "/publicar/nuevo?tipo=guia")],
        "workspace.create_resource": [
            Call(
                "POST",
                "/publicar/nuevo",
                data={"type": "guia", "title": "Guía nueva", "publisher": "entidad-a"},
            )
        ],
        "workspace.entity_dashboard": [Call("GET", "/publicar/entidad/entidad-a")],
        "workspace.bulk_upload": [Call("GET", "/publicar/entidad/entidad-a/importar")],
        "workspace.members": [Call("GET", "/publicar/entidad/entidad-a/miembros")],
        "workspace.remove_member": [
            Call(
                "POST",
                f"/publicar/entidad/entidad-a/miembros/{world.user_ids['spare']}/quitar",
            )
        ],
        "workspace.api_tokens": [Call("GET", "/publicar/entidad/entidad-a/tokens")],
        "workspace.harvest_sources": [
            Call("GET", "/publicar/entidad/entidad-a/cosecha"),
            Call(
                "POST",
                "/publicar/entidad/entidad-a/cosecha",
                data={"name": "otra", "kind": "ckan", "url": "https://datos.example.org"},
            ),
        ],
        "workspace.harvest_source": [Call("GET", "/publicar/cosecha/fuente-a")],
        "workspace.harvest_run": [
            Call("POST", "/publicar/cosecha/fuente-a/ejecutar", data={"vista_previa": "1"}),
            Call("POST", "/publicar/cosecha/fuente-a/ejecutar"),
        ],
        "workspace.harvest_toggle": [Call("POST", "/publicar/cosecha/fuente-a/estado")],
        "workspace.revoke_token": [
            Call("POST", f"/publicar/entidad/entidad-a/tokens/{world.spare_token_id}/revocar")
        ],
        "workspace.units": [
            Call("GET", "/publicar/entidad/entidad-a/dependencias"),
            Call(
                "POST", "/publicar/entidad/entidad-a/dependencias", data={"name": "Oficina nueva"}
            ),
        ],
        "workspace.edit_unit": [
            Call("GET", "/publicar/entidad/entidad-a/dependencias/entidad-a-unidad"),
            Call(
                "POST",
                "/publicar/entidad/entidad-a/dependencias/entidad-a-unidad",
                data={"name": "Unidad de A (renombrada)"},
            ),
        ],
        "workspace.admin_publishers": [Call("GET", "/publicar/admin/entidades")],
        "workspace.admin_publisher": [Call("GET", "/publicar/admin/entidades/entidad-a")],
        "workspace.admin_users": [Call("GET", "/publicar/admin/usuarios")],
        "workspace.admin_user_flags": [
            Call("POST", f"/publicar/admin/usuarios/{world.user_ids['spare']}", data={})
        ],
        "workspace.hosted_file": [
            Call("GET", f"/publicar/archivo/{world.file_dist}", target="published")
        ],
    }
    if endpoint in fixed:
        return fixed[endpoint]
    per_resource = {
        "public.resource_page": lambda s: Call("GET", f"/recurso/{s}"),
        "public.resource_rdf": lambda s: Call("GET", f"/recurso/{s}.ttl"),
        "public.resource_id": lambda s: Call("GET", f"/id/recurso/{s}"),
        "api.get_resource": lambda s: Call("GET", f"/api/v1/resources/{s}"),
        "api.list_distributions": lambda s: Call("GET", f"/api/v1/resources/{s}/distributions"),
        "api.resource_history": lambda s: Call("GET", f"/api/v1/resources/{s}/history"),
        "api.replace_resource": lambda s: Call(
            "PUT", f"/api/v1/resources/{s}", json=_resource("Reemplazo", "draft")
        ),
        "api.patch_resource": lambda s: Call("PATCH", f"/api/v1/resources/{s}", json=body),
        "api.withdraw_resource": lambda s: Call(
            "POST", f"/api/v1/resources/{s}/withdraw", json={"reason": "Prueba de permisos."}
        ),
        "api.publish_resource": lambda s: Call("POST", f"/api/v1/resources/{s}/publish"),
        "api.unpublish_resource": lambda s: Call("POST", f"/api/v1/resources/{s}/unpublish"),
        "api.add_distribution": lambda s: Call(
            "POST", f"/api/v1/resources/{s}/distributions", json=dist_body
        ),
        "workspace.edit_resource": lambda s: Call("GET", f"/publicar/recurso/{s}"),
        "workspace.update_resource": lambda s: Call(
            "POST", f"/publicar/recurso/{s}", data={"title": "Cambio por formulario"}
        ),
        "workspace.change_status": lambda s: Call(
            "POST", f"/publicar/recurso/{s}/estado", data={"status": "published"}
        ),
        "workspace.history": lambda s: Call("GET", f"/publicar/recurso/{s}/historial"),
        "workspace.restore": lambda s: Call(
            "POST", f"/publicar/recurso/{s}/historial/1/restaurar", data={"version": "1"}
        ),
    }
    per_distribution = {
        "public.distribution_id": lambda s, u: Call("GET", f"/id/distribucion/{u}"),
        "api.get_distribution": lambda s, u: Call(
            "GET", f"/api/v1/resources/{s}/distributions/{u}"
        ),
        "api.replace_distribution": lambda s, u: Call(
            "PUT", f"/api/v1/resources/{s}/distributions/{u}", json=dist_body
        ),
        "api.patch_distribution": lambda s, u: Call(
            "PATCH", f"/api/v1/resources/{s}/distributions/{u}", json={"title": "Nuevo"}
        ),
        "api.delete_distribution": lambda s, u: Call(
            "DELETE", f"/api/v1/resources/{s}/distributions/{u}"
        ),
    }
    calls = []
    for target, slug in both:
        if endpoint in per_resource:
            call = per_resource[endpoint](slug)
        elif endpoint in per_distribution:
            call = per_distribution[endpoint](slug, world.dist[target])
        elif endpoint == "api.upload_file":
            call = Call("POST", f"/api/v1/resources/{slug}/files")
        else:
            raise AssertionError(f"no request is defined for {endpoint}")
        call.target = target
        calls.append(call)
    return calls


def _allowed(level: str, actor: str, call: Call) -> bool:
    member = actor in MEMBERS
    if actor == "revoked" and call.url.startswith("/api/v1"):
        return False  # a revoked token is a bad credential, even where none is needed
    if "status=draft" in call.url:  # any token lists drafts, but only its own entity's
        return actor != "anonymous"
    if level == PUBLIC:
        return call.target != "draft" or member
    if level == SIGNED_IN:
        return actor not in ("anonymous", "revoked")
    if level == EDIT:
        return member
    if level == MANAGE:
        return actor in ("own_admin", "catalog_admin")
    return actor == "catalog_admin"


def _request(app, world: World, actor: str, call: Call):
    client = app.test_client()
    headers = {}
    api = call.url.startswith("/api/v1")
    if api and actor != "anonymous":
        token = world.tokens.get(actor)
        if token is None:  # catalog admins have no API token: they sign in
            return None
        headers["Authorization"] = f"Bearer {token}"
    if not api and actor not in ("anonymous", "revoked"):
        with client.session_transaction() as session:
            session["_user_id"] = f"{world.user_ids[actor]}:{world.nonces[actor]}"
            session["_fresh"] = True
    if not api and actor == "revoked":
        headers["Authorization"] = f"Bearer {world.tokens['revoked']}"
    kwargs = {"headers": headers}
    if call.json is not None:
        kwargs["json"] = call.json
    if call.data is not None:
        kwargs["data"] = call.data
    if call.url.endswith("/files"):
        kwargs["data"] = {"file": (io.BytesIO(PDF), "otro.pdf")}
    response = client.open(call.url, method=call.method, **kwargs)
    response.get_data()
    response.close()
    return response


def _refusal_ok(actor: str, call: Call, response) -> bool:
    api = call.url.startswith("/api/v1")
    status = response.status_code
    if actor in ("anonymous", "revoked"):
        if api:
            if actor == "revoked" or call.method != "GET":
                return status == 401
            return status in (401, 404)  # a draft is not there; listing drafts needs a token
        if call.url.startswith("/publicar"):
            return status == 302 and "/publicar/ingresar" in response.headers["Location"]
        return status == 404  # a public page of a draft: not there
    return status in (403, 404)


def test_every_route_is_classified(matrix):
    template, world, workdir = matrix
    database = template.clone()
    app = make_app(database.url, workdir)
    try:
        endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
        missing = endpoints - set(ROUTES)
        assert not missing, f"routes missing from the access matrix: {sorted(missing)}"
        assert not set(ROUTES) - endpoints, "the matrix names routes that no longer exist"
        for endpoint in endpoints:
            assert _calls(endpoint, world), endpoint
    finally:
        _dispose(app)
        database.drop()


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_by_every_actor(matrix, endpoint):
    template, world, workdir = matrix
    database = template.clone()
    app = make_app(database.url, workdir, WTF_CSRF_ENABLED=False)
    level = ROUTES[endpoint]
    markers = _markers(world)
    try:
        for call in _calls(endpoint, world):
            refused = [a for a in ACTORS if not _allowed(level, a, call)]
            allowed = [a for a in ACTORS if _allowed(level, a, call)]
            before = database_state(app)
            for actor in refused:
                response = _request(app, world, actor, call)
                if response is None:
                    continue
                where = f"{call.method} {call.url} as {actor}"
                assert response.status_code < 500, where
                assert _refusal_ok(actor, call, response), f"{where}: {response.status_code}"
                body = response.get_data(as_text=True)
                leaked = [m for m in markers if m in body]
                assert not leaked, f"{where} leaks {leaked}"
            after = database_state(app)
            assert _without_use_marks(after) == _without_use_marks(before), (
                f"{call.method} {call.url}: a refused request changed the database"
            )
            for actor in allowed:
                response = _request(app, world, actor, call)
                if response is None:
                    continue
                where = f"{call.method} {call.url} as {actor}"
                assert response.status_code < 500, where
                assert response.status_code not in (401, 403), f"{where}: refused"
                if actor not in MEMBERS:
                    body = response.get_data(as_text=True)
                    leaked = [m for m in markers if m in body]
                    assert not leaked, f"{where} leaks {leaked}"
    finally:
        _dispose(app)
        database.drop()


def _without_use_marks(state: dict) -> dict:
    """Everything but the sign-in bookkeeping that a refused request may legitimately touch."""
    return {k: v for k, v in state.items() if k not in ("request_throttle",)}


def test_public_history_names_a_role_and_entity_never_an_email(matrix):
    template, world, workdir = matrix
    database = template.clone()
    app = make_app(database.url, workdir)
    try:
        client = app.test_client()
        public = client.get(f"/api/v1/resources/{world.published}/history").get_json()
        actors = [item["actor"] for item in public["items"]]
        assert actors == ["Editor · Entidad A", "Editor · Entidad A"]  # a member above the unit
        text = str(public)
        assert world.file_key not in text and "file_key" not in text
        assert "@" not in "".join(actors)
        own = {"Authorization": f"Bearer {world.tokens['own_editor']}"}
        private = client.get(f"/api/v1/resources/{world.published}/history", headers=own)
        assert private.get_json()["items"][0]["actor"] == EMAILS["own_editor"]
    finally:
        _dispose(app)
        database.drop()
