"""/api/v1/docs: every operation of the OpenAPI is on the page, and every example it shows
works when run as shown (only $TOKEN, $ETAG and $DIST_ID filled in)."""

from __future__ import annotations

import html
import io
import json
import re
import shlex
from urllib.parse import urlsplit

import html5lib

from .conftest import make_token

HTML = "{http://www.w3.org/1999/xhtml}"
# the order a publisher would follow; DELETE withdraws a second resource (the first is gone)
ORDER = [
    "GET /publishers",
    "GET /publishers/{slug}",
    "POST /resources",
    "GET /resources",
    "GET /resources/{slug}",
    "PUT /resources/{slug}",
    "PATCH /resources/{slug}",
    "POST /resources/{slug}/distributions",
    "POST /resources/{slug}/files",
    "GET /resources/{slug}/distributions",
    "GET /resources/{slug}/distributions/{dist_id}",
    "PUT /resources/{slug}/distributions/{dist_id}",
    "PATCH /resources/{slug}/distributions/{dist_id}",
    "DELETE /resources/{slug}/distributions/{dist_id}",
    "POST /resources/{slug}/unpublish",
    "POST /resources/{slug}/publish",
    "GET /resources/{slug}/history",
    "POST /resources/{slug}/withdraw",
    "DELETE /resources/{slug}",
]


def _examples(client) -> dict[str, str]:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    html5lib.HTMLParser(strict=True).parse(text)
    found = re.findall(
        r'<pre class="api-example" data-operation="([^"]+)"><code>(.*?)</code></pre>', text, re.S
    )
    return {html.unescape(op): html.unescape(code) for op, code in found}


def _run(client, command: str, values: dict[str, str]):
    """Run a curl command from the page with Flask's test client."""
    for name, value in values.items():  # as the shell expands a variable inside "…"
        command = command.replace(name, value.replace('"', '\\"'))
    words = shlex.split(command.replace("\\\n", " "))  # a shell joins continued lines
    assert words[0] == "curl"
    method, headers, data, form, url = "GET", {}, None, {}, None
    words = iter(words[1:])
    for word in words:
        if word == "-X":
            method = next(words)
        elif word == "-H":
            name, _, value = next(words).partition(": ")
            headers[name] = value
        elif word == "--data":
            data = next(words)
        elif word == "-F":
            name, _, value = next(words).partition("=")
            if value.startswith("@"):
                file_name, _, media = value[1:].partition(";type=")
                form[name] = (io.BytesIO(b"fecha;turnos\n2026-01-05;118\n"), file_name, media)
            else:
                form[name] = value
        else:
            url = word
    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    return client.open(target, method=method, headers=headers, data=form or data)


def test_every_operation_has_a_working_example(demo_app):
    client = demo_app.test_client()
    shown = _examples(client)
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = {
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert set(shown) == operations == set(ORDER)
    # the page and the OpenAPI show the same bodies
    create = spec["paths"]["/resources"]["post"]["requestBody"]["content"]["application/json"]
    assert (
        json.loads(shlex.split(shown["POST /resources"].replace("\\\n", " "))[-1])
        == create["example"]
    )

    token = make_token(demo_app, "secretaria-general")
    values = {"$TOKEN": token, "$ETAG": "", "$DIST_ID": ""}
    slug = create["example"]["slug"]
    for operation in ORDER:
        command = shown[operation]
        if operation == "DELETE /resources/{slug}":  # the example one was withdrawn just before
            other = client.get("/api/v1/resources?publisher=secretaria-general").get_json()
            command = command.replace(slug, other["items"][0]["slug"])
            values["$ETAG"] = client.get(f"/api/v1/resources/{other['items'][0]['slug']}").headers[
                "ETag"
            ]
        elif "/resources/{slug}" in operation:
            values["$ETAG"] = client.get(
                f"/api/v1/resources/{slug}", headers={"Authorization": f"Bearer {token}"}
            ).headers["ETag"]
        response = _run(client, command, values)
        assert 200 <= response.status_code < 300, (operation, response.get_json())
        if operation == "POST /resources/{slug}/distributions":
            values["$DIST_ID"] = response.get_json()["id"]
        if operation == "POST /resources":
            assert response.get_json()["title"] == create["example"]["title"]
    final = client.get(f"/api/v1/resources/{slug}", headers={"Authorization": f"Bearer {token}"})
    assert final.get_json()["status"] == "withdrawn"


def test_docs_page_is_self_contained_and_documents_file_downloads(shared_demo):
    client = shared_demo.test_client()
    response = client.get("/api/v1/docs")
    tree = html5lib.parse(response.data)
    assets = [
        e.get("src") or e.get("href")
        for e in tree.iter()
        if e.tag in (f"{HTML}script", f"{HTML}link", f"{HTML}img")
        and (e.get("src") or e.get("href"))
    ]
    stylesheets = [e.get("href") for e in tree.iter(f"{HTML}link") if e.get("rel") == "stylesheet"]
    assert stylesheets
    for asset in stylesheets + [a for a in assets if a.endswith((".js", ".css", ".svg", ".png"))]:
        parts = urlsplit(asset)
        assert parts.netloc in (
            "",
            "localhost",
            urlsplit(shared_demo.config["CATALOG_BASE_URI"]).netloc,
        ), asset
        fetched = client.get(parts.path)
        assert fetched.status_code == 200, asset
        fetched.close()
    text = response.get_data(as_text=True)
    assert "/archivos/" in text and "POST /resources/{slug}/files" in text
    assert 'id="esquema-Resource"' in text and "<code>title</code>" in text
    # linked from the API index and from the about page
    assert client.get("/api/v1/").get_json()["docs"].endswith("/api/v1/docs")
    assert "/api/v1/docs" in client.get("/acerca").get_data(as_text=True)
