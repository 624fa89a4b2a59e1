"""Idempotency-Key: a retried create never creates twice, even when the first answer was lost."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from catalog.extensions import db
from catalog.models import Distribution, IdempotentReply, Resource

from .conftest import add_two_entities, database_state, make_token
from .test_api import auth, payload
from .workspace_helpers import PDF


@pytest.fixture
def api(app):
    """Two entities (A with a unit) and a token for each."""
    add_two_entities(app)
    app.token_a = make_token(app, "entidad-a")
    app.token_b = make_token(app, "entidad-b")
    return app


def _count(app, model) -> int:
    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        db.session.remove()
    return n


def _post(app, key: str | None, token: str | None = None, **overrides):
    headers = auth(token or app.token_a)
    if key is not None:
        headers["Idempotency-Key"] = key
    return app.test_client().post("/api/v1/resources", json=payload(**overrides), headers=headers)


def test_a_retry_with_the_same_key_replays_the_first_answer(api):
    first = _post(api, "crear-guia-1")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = _post(api, "crear-guia-1")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["slug"] == first.get_json()["slug"]
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert _count(api, Resource) == 1
    # without a key, the same body is a new resource (what the key protects against)
    assert _post(api, None).status_code == 201
    assert _count(api, Resource) == 2


def test_a_committed_create_whose_answer_was_lost_is_not_created_twice(api, monkeypatch):
    """The connection drops right after COMMIT: the client sees a failure, yet the row exists.
    Its retry with the same key must get the created resource, not a duplicate."""
    from catalog.api import views

    answer = views._created_resource

    def connection_lost(*args):
        monkeypatch.setattr(views, "_created_resource", answer)  # only the first answer is lost
        raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(views, "_created_resource", connection_lost)
    lost = _post(api, "guia-perdida")
    assert lost.status_code == 503  # the client cannot know it was committed…
    assert _count(api, Resource) == 1  # …but it was, together with its key
    retry = _post(api, "guia-perdida")
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert _count(api, Resource) == 1
    with api.app_context():
        reply = db.session.execute(sa.select(IdempotentReply)).scalar_one()
        resource = db.session.execute(sa.select(Resource)).scalar_one()
        assert reply.key == "guia-perdida" and reply.body == {"resource": resource.uuid}


def test_the_same_key_with_another_request_is_refused(api):
    assert _post(api, "k-1").status_code == 201
    before = database_state(api)
    other = _post(api, "k-1", title="Otro título distinto")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.get_json()["fields"]
    assert database_state(api) == before


def test_keys_belong_to_the_token_that_sent_them(api):
    mine = _post(api, "compartida")
    assert mine.status_code == 201
    theirs = _post(api, "compartida", token=api.token_b, publisher="entidad-b")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.get_json()["publisher"] == "entidad-b"
    assert _count(api, Resource) == 2
    # another token of the same entity has its own keys too
    spare = make_token(api, "entidad-a")
    assert _post(api, "compartida", token=spare).headers.get("Idempotent-Replayed") is None


def test_bad_keys_and_missing_tokens_are_refused_first(api):
    before = database_state(api)
    for key in ("", "con espacio", "x" * 201, "ñandú"):
        refused = _post(api, key)
        assert refused.status_code == 422, key
        assert "Idempotency-Key" in refused.get_json()["fields"]
    anonymous = api.test_client().post(
        "/api/v1/resources", json=payload(), headers={"Idempotency-Key": "k"}
    )
    assert anonymous.status_code == 401
    assert database_state(api) == before


def test_a_refused_create_is_not_remembered(api):
    bad = _post(api, "k-2", title="")
    assert bad.status_code == 422
    assert _count(api, IdempotentReply) == 0
    # the same request again is judged again (and refused again), not replayed
    assert _post(api, "k-2", title="").status_code == 422


def test_distribution_and_file_creates_replay_too(api):
    slug = _post(api, None).get_json()["slug"]
    client = api.test_client()
    headers = {**auth(api.token_a), "Idempotency-Key": "dist-1"}
    body = {"title": "Datos", "access_url": "https://example.org/datos"}
    first = client.post(f"/api/v1/resources/{slug}/distributions", json=body, headers=headers)
    again = client.post(f"/api/v1/resources/{slug}/distributions", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"

    def upload(content: bytes):
        return client.post(
            f"/api/v1/resources/{slug}/files",
            data={"file": (io.BytesIO(content), "anexo.pdf")},
            headers={**auth(api.token_a), "Idempotency-Key": "file-1"},
            content_type="multipart/form-data",
        )

    sent = upload(PDF)
    resent = upload(PDF)
    assert sent.status_code == resent.status_code == 201
    assert resent.get_json()["id"] == sent.get_json()["id"]
    assert _count(api, Distribution) == 3  # the payload's, the added one, the file
    changed = upload(PDF.replace(b"200 200", b"300 300"))
    assert changed.status_code == 422  # same key, other file
    assert _count(api, Distribution) == 3
