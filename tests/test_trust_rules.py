"""The trust rules one by one, called directly (fast, so the mutation run can afford them).

Each test names the rule it holds: who may act on which entity, what a token stands for, how a
sign-in is throttled and locked, what Markdown may produce, where the link checker may go, what
an upload must contain and how the chain-head witness moves. `make mutation` mutates these
modules; the README lists what survives and why.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import stat
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from catalog.errors import Forbidden, Invalid, NotFound, Unauthorized
from catalog.extensions import db
from catalog.markdown import markdown_to_text, render_markdown
from catalog.models import ApiToken, Publisher, RequestThrottle, User, utcnow
from catalog.services import accounts, throttle, tokens, witness
from catalog.services.actors import Actor
from catalog.services.files import KINDS, content_matches, safe_file_name, store_upload
from catalog.stewardship import links

from .conftest import add_two_entities

# ------------------------------------------------------------------ who may act on what


@pytest.fixture
def district(app):
    ids = add_two_entities(app)
    with app.app_context():
        # a unit below the unit: roles are inherited down any depth
        deep = Publisher(
            slug="entidad-a-sub", name="Sub", kind="dependencia", parent_id=ids["entidad-a-unidad"]
        )
        db.session.add(deep)
        db.session.commit()
        ids["entidad-a-sub"] = deep.id
    with app.app_context():
        yield ids


def pub(slug: str) -> Publisher:
    return db.session.execute(db.select(Publisher).where(Publisher.slug == slug)).scalar_one()


def test_roles_are_inherited_downwards_and_the_strongest_wins(district):
    a, unit, sub, b = (
        pub(s) for s in ("entidad-a", "entidad-a-unidad", "entidad-a-sub", "entidad-b")
    )
    editor_of_a = Actor("e", roles={a.id: "editor"})
    assert editor_of_a.role_for(a) == "editor"
    assert editor_of_a.role_for(sub) == "editor"  # two levels down
    assert editor_of_a.role_for(b) is None
    assert editor_of_a.can_edit(sub) and not editor_of_a.can_manage(sub)
    assert not editor_of_a.can_edit(b)
    # admin above an editor role: admin wins however deep
    mixed = Actor("m", roles={sub.id: "editor", a.id: "admin"})
    assert mixed.role_for(sub) == "admin" and mixed.can_manage(sub)
    # editor of the unit only: nothing on the entity above it
    unit_editor = Actor("u", roles={unit.id: "editor"})
    assert unit_editor.role_for(sub) == "editor"
    assert unit_editor.role_for(a) is None and not unit_editor.can_edit(a)
    # the nearest role is kept when nothing stronger is found above
    near = Actor("n", roles={sub.id: "editor"})
    assert near.role_for(sub) == "editor"
    assert Actor("x").role_for(a) is None
    assert editor_of_a.publisher_ids == {a.id}


def test_require_edit_and_manage_refuse_with_the_entity_named(district):
    a, b = pub("entidad-a"), pub("entidad-b")
    editor = Actor("e", roles={a.id: "editor"})
    editor.require_edit(a)
    with pytest.raises(Forbidden) as refused:
        editor.require_edit(b)
    assert "Entidad B" in str(refused.value)
    with pytest.raises(Forbidden) as refused:
        editor.require_manage(a)
    assert "Entidad A" in str(refused.value)
    Actor("adm", roles={a.id: "admin"}).require_manage(a)
    system = Actor.system()
    assert system.is_admin and system.label == "sistema"
    system.require_manage(b)
    assert Actor.system("cli").label == "cli"


def test_a_user_actor_carries_its_memberships(district):
    user = accounts.create_user(
        email=" Ana@Example.org ", password="x" * 12, publisher_slug="entidad-a", role="admin"
    )
    actor = Actor.for_user(user)
    assert actor.label == "ana@example.org" and actor.user_id == user.id
    assert not actor.is_admin and actor.token_id is None
    assert actor.roles == {district["entidad-a"]: "admin"}


# ------------------------------------------------------------------ tokens


def test_tokens_are_stored_hashed_and_scoped(district):
    a = pub("entidad-a")
    with pytest.raises(Forbidden):
        tokens.create_token(a, "editor", Actor("e", roles={a.id: "editor"}))
    with pytest.raises(Invalid) as bad:
        tokens.create_token(a, "owner", Actor.system())
    assert "role" in bad.value.fields
    for days in (0, -1, tokens.MAX_DAYS + 1):
        with pytest.raises(Invalid) as bad:
            tokens.create_token(a, "editor", Actor.system(), expires_in_days=days)
        assert "expires_in_days" in bad.value.fields
    row, plain = tokens.create_token(a, "editor", Actor.system(), name="n" * 300)
    assert plain.startswith("cgp_") and len(plain) > 40
    assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in json.dumps([str(getattr(row, c.key)) for c in ApiToken.__table__.columns])
    assert row.prefix == plain[:12] and len(row.name) == 120 and row.expires_at is None
    actor = tokens.actor_for_token(plain)
    assert actor is not None and actor.token_id == row.id and not actor.is_admin
    assert actor.roles == {a.id: "editor"}
    assert row.prefix in actor.label and "entidad-a" in actor.label
    # other strings never stand for it
    assert tokens.actor_for_token(plain[4:]) is None
    assert tokens.actor_for_token(plain + "x") is None
    assert tokens.actor_for_token("cgp_" + "a" * 300) is None
    longest, kept = tokens.create_token(a, "admin", Actor.system(), expires_in_days=tokens.MAX_DAYS)
    assert abs(longest.expires_at - (utcnow() + timedelta(days=tokens.MAX_DAYS))) < timedelta(
        minutes=1
    )
    one, one_plain = tokens.create_token(a, "admin", Actor.system(), expires_in_days=1)
    assert timedelta(hours=23) < one.expires_at - utcnow() <= timedelta(days=1)
    assert tokens.actor_for_token(one_plain).roles == {a.id: "admin"}
    assert tokens.actor_for_token(kept) is not None


def test_revoked_and_expired_tokens_stand_for_nobody(district):
    a = pub("entidad-a")
    row, plain = tokens.create_token(a, "editor", Actor.system())
    with pytest.raises(NotFound):
        tokens.revoke_token(10**6, Actor.system())
    with pytest.raises(Forbidden):
        tokens.revoke_token(row.id, Actor("b", roles={pub("entidad-b").id: "admin"}))
    assert tokens.actor_for_token(plain) is not None
    tokens.revoke_token(row.id, Actor("a", roles={a.id: "admin"}))
    first = row.revoked_at
    assert first is not None and tokens.actor_for_token(plain) is None
    tokens.revoke_token(row.id, Actor.system())
    assert db.session.get(ApiToken, row.id).revoked_at == first  # revoking again keeps the date
    old, old_plain = tokens.create_token(a, "editor", Actor.system(), expires_in_days=1)
    old.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert tokens.actor_for_token(old_plain) is None


def test_bearer_header_parsing(app):
    from catalog.api.auth import optional_actor, required_actor

    plain = None
    add_two_entities(app)
    with app.app_context():
        row, plain = tokens.create_token(pub("entidad-b"), "editor", Actor.system())
        token_id = row.id
    for header in ("Basic abc", "Bearer ", "Bearer    ", "Token " + plain, plain):
        with app.test_request_context(headers={"Authorization": header}):
            with pytest.raises(Unauthorized):
                optional_actor()
    with app.test_request_context(headers={"Authorization": "Bearer cgp_nope"}):
        with pytest.raises(Unauthorized) as bad:
            optional_actor()
        assert "revocado" in str(bad.value)
    with app.test_request_context():
        assert optional_actor() is None
        with pytest.raises(Unauthorized):
            required_actor()
    for scheme in ("Bearer", "bearer", "BEARER"):
        with app.test_request_context(headers={"Authorization": f"{scheme} {plain} "}):
            actor = optional_actor()
            assert actor is not None and actor.token_id == token_id
            assert optional_actor() is actor  # one lookup per request
    with app.test_request_context(headers={"Authorization": f"Bearer {plain}"}):
        assert db.session.get(ApiToken, token_id).last_used_at is None
        required_actor()
        db.session.commit()
        assert db.session.get(ApiToken, token_id).last_used_at is not None


# ------------------------------------------------------------------ signing in


def test_five_failures_lock_the_account_for_fifteen_minutes(app):
    with app.app_context():
        user = accounts.create_user(email="b@example.org", password="correcta-123")
        for attempt in range(1, accounts.MAX_FAILURES):
            assert accounts.authenticate("b@example.org", "mala") is None
            assert user.failed_logins == attempt and user.locked_until is None
        assert accounts.authenticate("B@example.org ", "correcta-123") is user  # resets
        assert user.failed_logins == 0 and user.last_login_at is not None
        for _ in range(accounts.MAX_FAILURES):
            accounts.authenticate("b@example.org", "mala")
        locked_until = user.locked_until
        assert locked_until is not None and user.failed_logins == 0
        assert timedelta(minutes=14) < locked_until - utcnow() <= timedelta(minutes=15)
        # locked: even the right password is refused, and the lock does not grow
        assert accounts.authenticate("b@example.org", "correcta-123") is None
        assert user.locked_until == locked_until and user.failed_logins == 0
        user.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert accounts.authenticate("b@example.org", "correcta-123") is user
        assert user.locked_until is None


def test_inactive_or_passwordless_accounts_never_sign_in(app):
    with app.app_context():
        user = accounts.create_user(email="c@example.org", password="correcta-123")
        user.active = False
        db.session.commit()
        assert accounts.authenticate("c@example.org", "correcta-123") is None
        assert user.failed_logins == 1
        user.active, user.password_hash = True, None
        db.session.commit()
        assert accounts.authenticate("c@example.org", "") is None
        assert not accounts.verify_password(user, "")
        assert accounts.authenticate("nadie@example.org", "correcta-123") is None
        user.password_hash = "not-a-hash"
        assert not accounts.verify_password(user, "correcta-123")


def test_new_accounts_are_checked(app):
    with app.app_context():
        with pytest.raises(Invalid) as bad:
            accounts.create_user(email="sin-arroba", password="corta", role="jefe")
        assert set(bad.value.fields) == {"email", "password", "role"}
        with pytest.raises(Invalid) as bad:
            accounts.create_user(email="a@" + "e" * 253, password="x" * 10)
        assert set(bad.value.fields) == {"email"}
        accounts.create_user(email="d@example.org", password="x" * accounts.MIN_PASSWORD)
        with pytest.raises(Invalid) as bad:
            accounts.create_user(email="D@example.org", password="x" * 12)
        assert "Ya existe" in bad.value.fields["email"][0]
        user = db.session.execute(db.select(User).where(User.email == "d@example.org")).scalar_one()
        assert user.password_hash.startswith("$argon2id$")
        assert "x" * 10 not in user.password_hash


def test_changing_a_password_ends_other_sessions(app):
    with app.app_context():
        user = accounts.create_user(email="e@example.org", password="correcta-123")
        nonce = user.session_nonce
        cases = [
            (("mala", "nueva-clave-1", "nueva-clave-1"), "current"),
            (("correcta-123", "corta", "corta"), "new"),
            (("correcta-123", "nueva-clave-1", "otra-clave-1"), "confirm"),
            (("correcta-123", "correcta-123", "correcta-123"), "new"),
        ]
        for args, field in cases:
            with pytest.raises(Invalid) as bad:
                accounts.change_password(user, *args)
            assert field in bad.value.fields, args
            assert accounts.verify_password(user, "correcta-123")
        accounts.change_password(user, "correcta-123", "nueva-clave-1", "nueva-clave-1")
        assert user.session_nonce != nonce
        assert accounts.verify_password(user, "nueva-clave-1")
        assert not accounts.verify_password(user, "correcta-123")


def test_members_are_managed_by_the_entitys_admins_only(district):
    a, b = pub("entidad-a"), pub("entidad-b")
    admin_a = Actor("adm", user_id=None, roles={a.id: "admin"})
    with pytest.raises(Forbidden):
        accounts.add_member(b, "f@example.org", "editor", admin_a, password="x" * 12)
    with pytest.raises(Invalid) as bad:
        accounts.add_member(a, "f@example.org", "jefe", admin_a, password="x" * 12)
    assert "role" in bad.value.fields
    with pytest.raises(Invalid) as bad:
        accounts.add_member(a, "f@example.org", "editor", admin_a)
    assert "password" in bad.value.fields
    user = accounts.add_member(a, " F@example.org", "editor", admin_a, password="x" * 12)
    assert [(m.publisher_id, m.role) for m in user.memberships] == [(a.id, "editor")]
    accounts.add_member(a, "f@example.org", "admin", admin_a)
    assert [(m.publisher_id, m.role) for m in user.memberships] == [(a.id, "admin")]
    accounts.add_member(b, "f@example.org", "editor", Actor.system())
    assert len(user.memberships) == 2
    assert [m.user_id for m in accounts.members_of(a)] == [user.id]
    with pytest.raises(Forbidden):
        accounts.remove_member(b, user.id, admin_a)
    self_actor = Actor.for_user(user)
    with pytest.raises(Invalid):
        accounts.remove_member(a, user.id, self_actor)  # an admin cannot remove themself
    accounts.remove_member(a, user.id, admin_a)
    assert accounts.members_of(a) == []
    with pytest.raises(Invalid):
        accounts.remove_member(a, user.id, admin_a)


def test_only_catalog_admins_set_account_flags(app):
    with app.app_context():
        admin = accounts.create_user(email="g@example.org", password="x" * 12, is_admin=True)
        other = accounts.create_user(email="h@example.org", password="x" * 12)
        with pytest.raises(Forbidden):
            accounts.set_user_flags(admin.id, Actor.for_user(other), active=False, is_admin=False)
        with pytest.raises(NotFound):
            accounts.set_user_flags(10**6, Actor.for_user(admin), active=True, is_admin=False)
        for active, is_admin in ((False, True), (True, False)):
            with pytest.raises(Invalid):
                accounts.set_user_flags(
                    admin.id, Actor.for_user(admin), active=active, is_admin=is_admin
                )
        nonce = other.session_nonce
        accounts.set_user_flags(other.id, Actor.for_user(admin), active=True, is_admin=True)
        assert other.is_admin and other.session_nonce == nonce
        accounts.set_user_flags(other.id, Actor.for_user(admin), active=False, is_admin=False)
        assert not other.active and not other.is_admin and other.session_nonce != nonce


# ------------------------------------------------------------------ throttle


def test_throttle_keys_hide_the_address_and_windows_count(app):
    with app.app_context():
        key = throttle.hashed("ip", "192.0.2.7")
        assert key.startswith("ip:") and len(key) == 3 + 40 and "192.0.2.7" not in key
        assert key == throttle.hashed("ip", "192.0.2.7")
        assert key != throttle.hashed("ip", "192.0.2.8") != throttle.hashed("email", "192.0.2.7")
        assert key[3:] != hashlib.sha256(b"192.0.2.7").hexdigest()[:40]  # keyed, not plain
        assert throttle.retry_after(key, 3, 600) is None
        for n in range(1, 4):
            throttle.count(key, 600)
            assert (
                db.session.get(RequestThrottle, (key, int(utcnow().timestamp() // 600))).count == n
            )
            wait = throttle.retry_after(key, 3, 600)
            assert (wait is None) == (n < 3)
        assert 1 <= wait <= 600
        assert throttle.retry_after(key, 4, 600) is None
        assert throttle.retry_after(throttle.hashed("ip", "other"), 1, 600) is None
        # an old window is purged by the next count
        db.session.add(RequestThrottle(key=key, window=5, count=99))
        db.session.commit()
        throttle.count(key, 600)
        assert db.session.get(RequestThrottle, (key, 5)) is None


# ------------------------------------------------------------------ Markdown


def test_markdown_allows_only_the_listed_html():
    html = str(
        render_markdown(
            "# T1\n\n## T2\n\n### T3\n\n#### T4\n\n##### T5\n\n"
            "**b** *i* ~~s~~ `c`\n\n> q\n\n- l\n\n1. o\n\n---\n\n"
            "| a | b |\n|:-|-:|\n| 1 | 2 |\n\n"
            '[web](https://e.org "t") [m](mailto:a@e.org) [js](javascript:alert(1)) '
            "[d](data:text/html,x) ![img](https://e.org/i.png)\n\n"
            "<script>alert(1)</script><b onclick=x>raw</b>"
        )
    )
    for tag in ("h3>T1", "h4>T2", "h5>T3", "h6>T4", "h6>T5", "<strong>", "<em>", "<s>s</s>",
                "<code>", "<blockquote>", "<ul>", "<ol>", "<hr", "<table>", "<th"):  # fmt: skip
        assert tag in html, tag
    assert "<h1" not in html and "<h2" not in html
    assert 'href="https://e.org"' in html and 'title="t"' in html
    assert 'href="mailto:a@e.org"' in html
    assert 'rel="nofollow noopener"' in html
    assert 'href="javascript' not in html and 'href="data' not in html
    assert "<img" not in html and "<script" not in html and "<b onclick" not in html
    assert "&lt;script&gt;" in html  # raw HTML is shown as text, never run
    assert 'align="left"' in html or 'style="text-align:left"' not in html
    assert str(render_markdown("")) == "" and str(render_markdown(None)) == ""


def test_markdown_to_text_is_plain():
    assert markdown_to_text("# Título\n\n**Fuerte** y  *débil* &amp; <b>x</b>\n\n- uno") == (
        "Título Fuerte y débil & <b>x</b> uno"
    )
    assert markdown_to_text(None) == "" and markdown_to_text("") == ""
    assert markdown_to_text("a\x00b") == "ab"


# ------------------------------------------------------------------ link checker


def test_the_link_checker_refuses_non_public_addresses(monkeypatch):
    def resolving(*addresses):
        def fake(host, port, type=0):
            return [
                (socket.AF_INET6 if ":" in a else socket.AF_INET, type, 6, "", (a, port))
                for a in addresses
            ]

        return fake

    cases = {
        "127.0.0.1": True, "10.1.2.3": True, "192.168.0.1": True, "169.254.169.254": True,
        "224.0.0.1": True, "::1": True, "::ffff:127.0.0.1": True, "::ffff:10.0.0.1": True,
        "fe80::1": True, "0.0.0.0": True, "8.8.8.8": False, "2001:4860:4860::8888": False,
    }  # fmt: skip
    for address, refused in cases.items():
        monkeypatch.setattr(links.socket, "getaddrinfo", resolving(address))
        if refused:
            with pytest.raises(links.Refused):
                links._vet("h.example", 80, False)
        else:
            assert links._vet("h.example", 80, False) == address
    monkeypatch.setattr(links.socket, "getaddrinfo", resolving("127.0.0.1"))
    assert links._vet("h.example", 80, True) == "127.0.0.1"
    monkeypatch.setattr(links.socket, "getaddrinfo", resolving("::ffff:127.0.0.1"))
    assert links._vet("h.example", 80, True) == "127.0.0.1"
    # one bad address among good ones refuses the host (no choosing the public one)
    monkeypatch.setattr(links.socket, "getaddrinfo", resolving("8.8.8.8", "10.0.0.1"))
    with pytest.raises(links.Refused):
        links._vet("h.example", 80, False)
    monkeypatch.setattr(links.socket, "getaddrinfo", resolving("8.8.8.8", "8.8.4.4"))
    assert links._vet("h.example", 80, False) == "8.8.8.8"
    monkeypatch.setattr(links.socket, "getaddrinfo", resolving())
    with pytest.raises(links.Refused):
        links._vet("h.example", 80, False)

    def unknown(*args, **kwargs):
        raise socket.gaierror("no such host")

    monkeypatch.setattr(links.socket, "getaddrinfo", unknown)
    with pytest.raises(links.Refused):
        links._vet("h.example", 80, False)
    for url in ("ftp://e.org/x", "file:///etc/passwd", "http:///x", "gopher://e.org"):
        result = links.check_url(url)
        assert not result.ok and result.error.startswith("rechazada"), url
    result = links.check_url("http://h.example/")
    assert not result.ok and "no se pudo resolver" in result.error


# ------------------------------------------------------------------ uploads


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _matches(tmp_path: Path, fmt: str, data: bytes) -> bool:
    path = tmp_path / f"f.{fmt}"
    path.write_bytes(data)
    return content_matches(KINDS[fmt], path, data[: 64 * 1024])


def test_uploads_are_judged_by_their_bytes(app, tmp_path):
    ooxml = {"[Content_Types].xml": b"<Types/>"}
    good = {
        "pdf": b"%PDF-1.7\n...",
        "png": b"\x89PNG\r\n\x1a\n....",
        "jpeg": b"\xff\xd8\xff\xe0....",
        "xls": bytes.fromhex("d0cf11e0a1b11ae1") + b"....",
        "xlsx": _zip({**ooxml, "xl/workbook.xml": b"<w/>"}),
        "docx": _zip({**ooxml, "word/document.xml": b"<d/>"}),
        "pptx": _zip({**ooxml, "ppt/presentation.xml": b"<p/>"}),
        "ods": _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        "odt": _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}),
        "zip": _zip({"a.txt": b"a"}),
        "csv": "a;b\n1;é\n".encode("cp1252"),
        "tsv": b"a\tb\n1\t2\n",
        "txt": "texto plano ñ\n".encode(),
        "json": b'{"a": [1, 2]}',
        "geojson": b'{"type": "FeatureCollection", "features": []}',
        "xml": b'<?xml version="1.0"?><r xmlns="urn:x"><a/></r>',
    }
    with app.app_context():
        for fmt, data in good.items():
            assert _matches(tmp_path, fmt, data), fmt
        bad = {
            "pdf": b"PDF-1.7",
            "png": b"\x89PNX\r\n",
            "jpeg": b"\xff\xd8\x00",
            "doc": b"PK\x03\x04",
            "xlsx": _zip({**ooxml, "word/document.xml": b"<d/>"}),  # a Word file named .xlsx
            "docx": _zip({"word/document.xml": b"<d/>"}),  # no content types
            "pptx": b"not a zip",
            "ods": _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}),
            "odp": _zip({"other": b"x"}),
            "zip": b"PK\x03\x04 broken",
            "csv": b'a,b\n"1,2\n',
            "txt": b"\x00\x01binary",
            "json": b"{'a': 1}",
            "geojson": b"[1, 2]",
            "xml": b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>',
        }
        for fmt, data in bad.items():
            assert not _matches(tmp_path, fmt, data), fmt
        html = b"<!DOCTYPE html><html><body>x</body></html>"
        for fmt in ("xml", "txt", "csv", "json"):
            assert not _matches(tmp_path, fmt, html), fmt
        assert not _matches(tmp_path, "xml", b"<html xmlns='http://www.w3.org/1999/xhtml'/>")
        assert not _matches(tmp_path, "xml", b"<r><unclosed></r>")
        # UTF-8 with a BOM is text
        assert _matches(tmp_path, "csv", b"\xef\xbb\xbfa,b\n1,2\n")


def test_stored_uploads_get_a_random_key_a_hash_and_the_detected_type(app):
    with app.app_context():
        data = b'{"a": 1}'
        stored = store_upload(io.BytesIO(data), "../../etc/Informe Final.JSON")
        assert stored.file_name == "Informe_Final.json" and stored.format == "json"
        assert stored.media_type == "application/json"
        assert stored.checksum_sha256 == hashlib.sha256(data).hexdigest()
        assert stored.byte_size == len(data)
        root = Path(app.config["CATALOG_FILES_DIR"])
        assert (root / stored.file_key).read_bytes() == data
        assert len(stored.file_key) == 2 + 1 + 32 and "Informe" not in stored.file_key
        assert not [p for p in root.iterdir() if p.name.startswith(".upload-")]
        refused = {
            "x.exe": b"MZ",
            "vacío.csv": b"",
            "pagina.xml": b"<html><body/></html>",
        }
        for name, content in refused.items():
            with pytest.raises(Invalid) as bad:
                store_upload(io.BytesIO(content), name, field="distributions-0-file")
            assert list(bad.value.fields) == ["distributions-0-file"], name
        with pytest.raises(Invalid) as bad:
            store_upload(io.BytesIO(b"<html><body/></html>"), "pagina.xml")
        assert "HTML" in bad.value.fields["archivo"][0]
        app.config["CATALOG_MAX_UPLOAD_BYTES"] = 10
        with pytest.raises(Invalid) as bad:
            store_upload(io.BytesIO(b"a" * 11), "a.txt")
        assert "tamaño máximo" in bad.value.fields["archivo"][0]
        assert store_upload(io.BytesIO(b"a" * 10), "a.txt").byte_size == 10
        assert not [p for p in root.iterdir() if p.name.startswith(".upload-")]


def test_uploaded_names_are_reduced_to_plain_names():
    assert safe_file_name("C:\\Users\\x\\Mi  informe.PDF") == "Mi_informe.pdf"
    assert safe_file_name("a/b/../c<>|.csv") == "c___.csv"
    assert safe_file_name("...") == "archivo"
    assert safe_file_name("sin extension") == "sin_extension"
    assert safe_file_name("x." + "y" * 20) == "x." + "y" * 10
    assert len(safe_file_name("n" * 400 + ".txt")) == 150 + 4


# ------------------------------------------------------------------ chain-head witness


def test_the_witness_only_moves_forward_and_is_private(tmp_path):
    path = tmp_path / "w" / "head.json"
    assert witness.read(path) is None
    witness.write(path, witness.Head("a" * 64, 5))
    assert witness.read(path) == witness.Head("a" * 64, 5)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    witness.write(path, witness.Head("b" * 64, 4))  # an older head never replaces a newer one
    assert witness.read(path).hash == "a" * 64
    witness.write(path, witness.Head("c" * 64, 5))  # nor one of the same length
    assert witness.read(path).hash == "a" * 64
    witness.write(path, witness.Head("d" * 64, 6))
    assert witness.read(path) == witness.Head("d" * 64, 6)
    witness.write(path, witness.Head("e" * 64, 1), force=True)
    assert witness.read(path) == witness.Head("e" * 64, 1)
    assert sorted(p.name for p in path.parent.iterdir()) == ["head.json", "head.json.lock"]
    for garbage in ("", "{", '{"hash": "x"}', '{"hash": "x", "length": "many"}', "[1]"):
        path.write_text(garbage)
        assert witness.read(path) is None, garbage


# ------------------------------------------------ finer points the mutation run asked for


def test_throttle_counts_each_key_apart_and_says_exactly_how_long(app, monkeypatch):
    with app.app_context():
        one, two = throttle.hashed("ip", "one"), throttle.hashed("ip", "two")
        now = 1_000_000 * 600 + 150.5  # 150.5 s into a window of 600
        monkeypatch.setattr(throttle.time, "time", lambda: now)
        throttle.count(one, 600)
        throttle.count(one, 600)
        throttle.count(two, 600)
        window = 1_000_000
        assert db.session.get(RequestThrottle, (one, window)).count == 2
        assert db.session.get(RequestThrottle, (two, window)).count == 1
        assert throttle.retry_after(one, 2, 600) == 449  # whole seconds left in the window
        assert throttle.retry_after(two, 2, 600) is None
        monkeypatch.setattr(throttle.time, "time", lambda: (window + 1) * 600 - 0.2)
        assert throttle.retry_after(one, 2, 600) == 1  # never "retry after 0"


def test_markdown_links_only_to_web_and_mail():
    html = str(render_markdown("[f](ftp://e.org/x) [w](https://e.org/)"))
    assert 'href="ftp:' not in html and 'href="https://e.org/"' in html


def test_more_upload_bytes(app, tmp_path):
    with app.app_context():
        assert not _matches(tmp_path, "xml", b"<!DOCTYPE r><r/>")  # a DTD alone is refused
        assert not _matches(tmp_path, "txt", b"abc \x81\x8d\x8f\x90\x9d")  # not cp1252 either
        assert not _matches(tmp_path, "txt", b"\xef\xbb\xbf \n\t<!doctype HTML><p>x")
        xhtml = b'<?xml version="1.0"?><HTML xmlns="http://www.w3.org/1999/xhtml"/>'
        assert not _matches(tmp_path, "xml", xhtml)
        assert _matches(tmp_path, "tsv", b'"a"\tb\n1\t2\n')  # tabs, even where a comma would fail
        assert _matches(tmp_path, "csv", b'"a";b\n1;2\n')  # the delimiter is found
        long_text = ("ñ" * (64 * 1024)).encode()  # the first 64 KiB end inside a character
        assert _matches(tmp_path, "txt", long_text)
        assert not _matches(tmp_path, "zip", b"PK\x03\x04" + b"\x00" * 40)
        assert not _matches(tmp_path, "ods", b"PK\x03\x04" + b"\x00" * 40)
        stored = store_upload(io.BytesIO(b"a,b\n"), "tabla.csv")
        assert stored.as_distribution()["title"] == "tabla.csv"
        assert stored.as_distribution("Tabla")["title"] == "Tabla"
        assert stored.as_distribution()["file_key"] == stored.file_key


def test_account_details_are_kept(district):
    a = pub("entidad-a")
    user = accounts.create_user(email="i@example.org", password="x" * 12, name="  Ana Ruiz ")
    assert user.name == "Ana Ruiz"
    added = accounts.add_member(
        a, "j@example.org", "admin", Actor.system(), name="Juan", password="x" * 12
    )
    assert added.name == "Juan" and [m.role for m in added.memberships] == ["admin"]
    accounts.add_member(a, "i@example.org", "editor", Actor.system())
    assert [m.role for m in user.memberships] == ["editor"]
    assert [m.user_id for m in accounts.members_of(a)] == [added.id, user.id]  # admins first
    row, _ = tokens.create_token(a, "editor", Actor.for_user(added))
    assert row.created_by_id == added.id


def test_verify_names_every_record_without_history_and_counts_files(demo_app):
    from catalog.models import Distribution, Resource
    from catalog.stewardship import integrity

    with demo_app.app_context():
        clean = integrity.verify(record=False)
        hosted = db.session.execute(
            db.select(db.func.count()).where(Distribution.file_key.is_not(None))
        ).scalar_one()
        assert clean.ok and clean.files == hosted
        template = db.session.execute(db.select(Resource).order_by(Resource.id)).scalars().first()
        # two records written behind the application's back: no revision at all
        for slug in ("sin-historia-1", "sin-historia-2"):
            db.session.add(
                Resource(
                    slug=slug, title=slug, type=template.type, publisher_id=template.publisher_id
                )
            )
        db.session.commit()
        report = integrity.verify(record=False)
        named = {
            p.split(":")[0].removeprefix("recurso ")
            for p in report.problems
            if integrity.NO_HISTORY in p
        }
        assert named == {"sin-historia-1", "sin-historia-2"}
        total = db.session.execute(db.select(db.func.count()).select_from(Resource)).scalar_one()
        assert report.resources == total


def test_the_size_limit_counts_every_chunk(app):
    with app.app_context():
        app.config["CATALOG_MAX_UPLOAD_BYTES"] = 100 * 1024
        big = b"a" * (64 * 1024) + b"b" * (64 * 1024)  # two chunks, each under the limit
        with pytest.raises(Invalid) as bad:
            store_upload(io.BytesIO(big), "grande.txt")
        assert "tamaño máximo" in bad.value.fields["archivo"][0]
        ok = b"x" * (64 * 1024) + b"y" * 1000
        stored = store_upload(io.BytesIO(ok), "dos.txt")
        assert stored.byte_size == len(ok)
        assert stored.checksum_sha256 == hashlib.sha256(ok).hexdigest()
        # the head used for detection is the file's start, across chunk boundaries
        app.config["CATALOG_MAX_UPLOAD_BYTES"] = 10 * 2**20
        pdf = b"%PDF-1.7\n" + b"0" * (200 * 1024)
        assert store_upload(io.BytesIO(pdf), "informe.pdf").format == "pdf"
        fake = b"x" * (64 * 1024) + b"%PDF-1.7\n"
        with pytest.raises(Invalid):
            store_upload(io.BytesIO(fake), "falso.pdf")
        with pytest.raises(Invalid) as bad:
            store_upload(io.BytesIO(b"%PDF-1.7"), "sin_extension")
        assert "Tipo de archivo no admitido" in bad.value.fields["archivo"][0]
        with pytest.raises(Invalid) as bad:
            store_upload(io.BytesIO(b"{}"), "datos.tar.json.exe")
        assert "Tipo de archivo no admitido" in bad.value.fields["archivo"][0]
        assert store_upload(io.BytesIO(b"{}"), "datos.v2.json").format == "json"


def test_boundaries_of_accounts_and_tokens(district):
    a = pub("entidad-a")
    local = "u" * (254 - len("@e.org"))
    assert accounts.create_user(email=f"{local}@e.org", password="x" * 10).email.endswith("@e.org")
    with pytest.raises(Invalid):
        accounts.create_user(email=f"{local}u@e.org", password="x" * 10)
    user = accounts.create_user(email="k@example.org", password="correcta-123")
    accounts.change_password(user, "correcta-123", "y" * accounts.MIN_PASSWORD, "y" * 10)
    assert accounts.verify_password(user, "y" * 10)
    accounts.add_member(pub("entidad-b"), "k@example.org", "admin", Actor.system())
    assert [(m.publisher_id, m.role) for m in user.memberships] == [(pub("entidad-b").id, "admin")]
    row, plain = tokens.create_token(a, "editor", Actor.system())
    padded = plain + "x" * (200 - len(plain))
    assert len(padded) == 200 and tokens.actor_for_token(padded) is None  # unknown, not an error


def test_every_redirect_status_is_followed(monkeypatch):
    import http.client

    replies = []

    class Fake:
        def __init__(self, status, location=None):
            self.status, self._location = status, location

        def read(self, n):
            return b""

        def getheader(self, name):
            return {"Location": self._location, "Content-Type": "text/plain"}.get(name)

    class Conn:
        sock = None

        def __init__(self, *args, **kwargs):
            pass

        def request(self, *args, **kwargs):
            pass

        def getresponse(self):
            return replies.pop(0)

        def close(self):
            pass

    monkeypatch.setattr(links, "_vet", lambda host, port, allow: "93.184.216.34")
    monkeypatch.setattr(http.client, "HTTPConnection", Conn)
    for status in (301, 302, 303, 307, 308):
        replies[:] = [Fake(status, "/otra"), Fake(200)]
        result = links.check_url("http://e.example/x")
        assert result.ok and result.status_code == 200, status
    for status, ok, error in ((300, False, None), (304, False, None), (399, False, None),
                              (400, False, "HTTP 400"), (299, True, None)):  # fmt: skip
        replies[:] = [Fake(status, "/otra")]
        result = links.check_url("http://e.example/x")
        assert (result.ok, result.status_code, result.error) == (ok, status, error), status
