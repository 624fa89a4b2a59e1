"""Trust: redirects, sessions, sign-in, headers, tokens — each rule shown by what a client sees."""

from __future__ import annotations

import os
import stat
from datetime import timedelta

import pytest

from catalog.extensions import db
from catalog.models import ApiToken, User, utcnow

from .conftest import add_two_entities, database_state, make_token
from .workspace_helpers import PASSWORD, add_user, csrf_token, sign_in

# ------------------------------------------------------------------ open redirect (item 3)

HOSTILE_NEXT = [
    "//evil.com",
    "////evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "%2f%2fevil.com",
    "/%2f%2fevil.com",
    "/%5cevil.com",
    "https:evil.com",
    "https://evil.com",
    "javascript:alert(1)",
    "/publicar/\r\nLocation: https://evil.com",
    "/publicar/%0d%0aSet-Cookie:x=1",
    "/\tevil.com",
    "evil.com",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_never_redirects_off_site(demo_app, target):
    add_user(demo_app, "ana@sg.gov.co", "secretaria-general")
    client = demo_app.test_client()
    page = client.get("/publicar/ingresar", query_string={"next": target})
    if any(ord(c) < 0x20 for c in target):  # control characters: refused at the edge
        assert page.status_code == 400
        return
    assert page.status_code == 200
    response = client.post(
        "/publicar/ingresar",
        query_string={"next": target},
        data={"csrf_token": csrf_token(page.text), "email": "ana@sg.gov.co", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/publicar/"
    # signed in already: the same rule
    again = client.get("/publicar/ingresar", query_string={"next": target})
    assert again.status_code == 302 and again.headers["Location"] == "/publicar/"


def test_sign_in_follows_a_local_next(demo_app):
    add_user(demo_app, "ana@sg.gov.co", "secretaria-general")
    client = demo_app.test_client()
    page = client.get("/publicar/ingresar?next=/publicar/cuenta")
    response = client.post(
        "/publicar/ingresar?next=/publicar/cuenta",
        data={"csrf_token": csrf_token(page.text), "email": "ana@sg.gov.co", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/publicar/cuenta"


# ------------------------------------------------------------------ sessions (item 4)


def test_sign_out_ends_the_session_on_the_server(demo_app):
    add_user(demo_app, "ana@sg.gov.co", "secretaria-general")
    client = demo_app.test_client()
    sign_in(client, "ana@sg.gov.co")
    cookie = client.get_cookie("session", domain="catalogo.test").value
    account = client.get("/publicar/cuenta")
    assert account.status_code == 200
    client.post("/publicar/salir", data={"csrf_token": csrf_token(account.text)})
    thief = demo_app.test_client()
    thief.set_cookie("session", cookie, domain="catalogo.test")
    response = thief.get("/publicar/cuenta")
    assert response.status_code == 302 and "/publicar/ingresar" in response.headers["Location"]


def test_an_expired_csrf_token_gets_a_friendly_retry(demo_app):
    import time

    add_user(demo_app, "ana@sg.gov.co", "secretaria-general")
    demo_app.config["WTF_CSRF_TIME_LIMIT"] = 1
    client = demo_app.test_client()
    sign_in(client, "ana@sg.gov.co")
    page = client.get("/publicar/cuenta")
    token = csrf_token(page.text)
    time.sleep(2.1)
    before = database_state(demo_app)
    response = client.post(
        "/publicar/cuenta",
        data={"csrf_token": token, "current": PASSWORD, "new": "otra-clave-larga", "confirm": "x"},
    )
    assert response.status_code == 400
    assert "caducó" in response.text
    assert 'href="/publicar/cuenta"' in response.text  # back to the form, which reloads
    assert database_state(demo_app) == before


def test_secret_key_file_is_created_private(tmp_path, monkeypatch):
    from catalog.config import _instance_secret

    monkeypatch.setattr(os, "umask", os.umask)  # unchanged; the file mode must not rely on it
    old = os.umask(0o022)
    try:
        value = _instance_secret(str(tmp_path))
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600 and len(value) == 64
    assert _instance_secret(str(tmp_path)) == value  # kept, never replaced


# ------------------------------------------------------------------ sign-in (item 5)


def _attempt(client, email: str, password: str = "incorrecta-del-todo"):
    page = client.get("/publicar/ingresar")
    return client.post(
        "/publicar/ingresar",
        data={"csrf_token": csrf_token(page.text), "email": email, "password": password},
    )


def test_every_sign_in_branch_does_the_same_work(demo_app, monkeypatch):
    """Unknown e-mail, locked account, inactive account, wrong and right password: one Argon2
    verification each, so timing does not tell which accounts exist."""
    from catalog.services import accounts

    add_user(demo_app, "ana@sg.gov.co", "secretaria-general")
    add_user(demo_app, "bloqueada@sg.gov.co", "secretaria-general")
    add_user(demo_app, "inactiva@sg.gov.co", "secretaria-general")
    with demo_app.app_context():
        locked = db.session.execute(
            db.select(User).where(User.email == "bloqueada@sg.gov.co")
        ).scalar_one()
        locked.locked_until = utcnow() + timedelta(minutes=10)
        inactive = db.session.execute(
            db.select(User).where(User.email == "inactiva@sg.gov.co")
        ).scalar_one()
        inactive.active = False
        db.session.commit()
    calls = []

    class Counting:
        def __init__(self, real):
            self.real = real

        def verify(self, hash_, password):
            calls.append(hash_)
            return self.real.verify(hash_, password)

        def __getattr__(self, name):
            return getattr(self.real, name)

    monkeypatch.setattr(accounts, "_hasher", Counting(accounts._hasher))
    cases = [
        ("nadie@sg.gov.co", "x"),
        ("bloqueada@sg.gov.co", PASSWORD),
        ("inactiva@sg.gov.co", PASSWORD),
        ("ana@sg.gov.co", "equivocada"),
        ("ana@sg.gov.co", PASSWORD),
    ]
    with demo_app.app_context():
        for email, password in cases:
            calls.clear()
            result = accounts.authenticate(email, password)
            assert len(calls) == 1, email
            assert (result is not None) == (email == "ana@sg.gov.co" and password == PASSWORD)


def test_many_failures_from_one_address_get_429(demo_app):
    demo_app.config["CATALOG_SIGNIN_LIMIT"] = 5
    add_user(demo_app, "ana@sg.gov.co", "secretaria-general")
    client = demo_app.test_client()
    for i in range(5):  # different accounts each time: the limit is per address
        assert _attempt(client, f"persona{i}@sg.gov.co").status_code == 422
    refused = _attempt(client, "ana@sg.gov.co", PASSWORD)  # even the right password waits
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 600
    assert "Demasiados intentos" in refused.text
    with demo_app.app_context():
        ana = db.session.execute(db.select(User).where(User.email == "ana@sg.gov.co")).scalar_one()
        assert ana.last_login_at is None
    other = demo_app.test_client()  # another address is not held back
    response = other.post(
        "/publicar/ingresar",
        data={
            "csrf_token": csrf_token(other.get("/publicar/ingresar").text),
            "email": "ana@sg.gov.co",
            "password": PASSWORD,
        },
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 302


# ------------------------------------------------------------------ tokens with an expiry (item 6)


def test_expired_token_is_refused(app):
    add_two_entities(app)
    token = make_token(app, "entidad-a")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/resources?status=draft", headers=headers).status_code == 200
    with app.app_context():
        row = db.session.execute(db.select(ApiToken)).scalar_one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = client.get("/api/v1/resources?status=draft", headers=headers)
    assert response.status_code == 401


# ------------------------------------------------------------------ security headers (item 6)

HEADER_PATHS = [
    "/",
    "/recurso/no-existe",
    "/api/v1/resources",
    "/api/v1/nada",
    "/data.json",
    "/catalog.ttl",
    "/feeds/recursos.atom",
    "/api/3/action/package_list",
    "/robots.txt",
    "/publicar/ingresar",
]


@pytest.mark.parametrize("path", HEADER_PATHS)
def test_security_headers_everywhere(shared_demo, path):
    response = shared_demo.test_client().get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    csp = response.headers["Content-Security-Policy"]
    if response.mimetype == "text/html":
        assert "default-src 'self'" in csp and "object-src 'none'" in csp
    else:
        assert csp.startswith("default-src 'none'")
    assert "Strict-Transport-Security" not in response.headers  # http base URI


def test_hsts_when_the_base_uri_is_https(shared_demo):
    shared_demo.config["CATALOG_BASE_URI"] = "https://datos.bogota.gov.co"
    try:
        response = shared_demo.test_client().get("/")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        shared_demo.config["CATALOG_BASE_URI"] = "http://catalogo.test"


def test_token_with_expiry_from_the_cli(app):
    add_two_entities(app)
    result = app.test_cli_runner().invoke(
        args=["token", "create", "--publisher", "entidad-a", "--expires-days", "30"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        row = db.session.execute(db.select(ApiToken)).scalar_one()
        days = (row.expires_at - utcnow()).days
        assert 29 <= days <= 30 and row.is_active
