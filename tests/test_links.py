"""The link checker: real requests to a local server, and refusals of internal targets."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from catalog.extensions import db
from catalog.models import LinkCheck, Publisher
from catalog.services.actors import Actor
from catalog.services.resources import create_resource, get_resource
from catalog.stewardship.links import check_all, check_url

IN_FLIGHT = {"now": 0, "most": 0}
_LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path.startswith("/lento"):  # counts how many are served at the same time
            import time

            with _LOCK:
                IN_FLIGHT["now"] += 1
                IN_FLIGHT["most"] = max(IN_FLIGHT["most"], IN_FLIGHT["now"])
            time.sleep(0.5)
            with _LOCK:
                IN_FLIGHT["now"] -= 1
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok")
        elif self.path == "/datos.csv":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"a,b\n1,2\n")
        elif self.path == "/a-interno":
            self.send_response(302)
            self.send_header("Location", "http://10.1.2.3/secreto")
            self.end_headers()
        elif self.path == "/a-metadatos":
            self.send_response(301)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
        elif self.path == "/goteo":  # a byte every 0.3 s: each read is within the timeout
            import time

            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            try:
                for _ in range(100):
                    self.wfile.write(b"X")
                    self.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                pass
        elif self.path == "/grande":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            self.wfile.write(b"x" * (2 * 1024 * 1024))
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_real_results_against_a_local_server(server):
    ok = check_url(f"{server}/datos.csv", allow_loopback=True)
    assert ok.ok and ok.status_code == 200 and ok.media_type == "text/csv"
    missing = check_url(f"{server}/no-hay", allow_loopback=True)
    assert not missing.ok and missing.status_code == 404
    big = check_url(f"{server}/grande", allow_loopback=True)
    assert big.ok  # read is capped, the check still completes


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "ftp://example.org/archivo",
        "file:///etc/passwd",
    ],
)
def test_internal_targets_are_refused(url):
    result = check_url(url)
    assert not result.ok and result.status_code is None
    assert result.error.startswith("rechazada")


def test_redirects_to_internal_addresses_are_refused(server):
    for path in ("/a-interno", "/a-metadatos"):
        result = check_url(f"{server}{path}", allow_loopback=True)
        assert not result.ok and "rechazada" in result.error, path


def test_check_all_stores_results_and_feeds_the_score(app, server):
    url = f"{server}/datos.csv"
    with app.app_context():
        db.session.add(Publisher(slug="entidad", name="Entidad"))
        db.session.commit()
        create_resource(
            {
                "title": "Datos",
                "type": "conjunto-datos",
                "publisher": "entidad",
                "status": "published",
                "description": "Datos.",
                "distributions": [
                    {
                        "access_url": url,
                        "download_url": url,
                        "format": "csv",
                        "media_type": "text/csv",
                    }
                ],
            },
            Actor.system(),
        )
        before = get_resource("datos")
        version, score_before = before.lock_version, before.quality_score
        results = check_all(allow_loopback=True, min_interval=0)
        assert [r.ok for r in results] == [True]
        row = db.session.execute(
            db.select(LinkCheck).where(
                LinkCheck.url_hash == hashlib.sha256(url.encode()).hexdigest()
            )
        ).scalar_one()
        assert row.status_code == 200 and row.media_type == "text/csv"
        db.session.expire_all()
        after = get_resource("datos")
        assert after.quality_score == score_before + 80  # access 50 + download answers 30
        assert after.lock_version == version  # derived data does not change the ETag


def test_a_trickling_server_is_cut_at_the_overall_deadline(server):
    import time

    started = time.monotonic()
    result = check_url(server + "/goteo", allow_loopback=True, timeout=1.0, deadline=2.0)
    elapsed = time.monotonic() - started
    assert not result.ok and "plazo total" in result.error
    assert elapsed < 4.0  # the trickle would go on for 30 s; per-read timeouts never fire


def test_cli_checks_hosts_at_once_shows_progress_and_exits_1_on_problems(app, server):
    port = server.rsplit(":", 1)[1]
    # two host names for the one local server: each host is checked by its own worker
    hosts = [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
    urls = [f"{hosts[0]}/lento/1", f"{hosts[1]}/lento/2", f"{hosts[0]}/no-hay"]
    urls.append("http://no-existe.invalid/archivo.csv")  # a DNS failure does not hold others
    with app.app_context():
        db.session.add(Publisher(slug="entidad", name="Entidad"))
        db.session.commit()
        for n, url in enumerate(urls):
            create_resource(
                {
                    "title": f"Datos {n}",
                    "type": "conjunto-datos",
                    "publisher": "entidad",
                    "status": "published",
                    "distributions": [{"access_url": url}],
                },
                Actor.system(),
            )
    app.config["CATALOG_LINKCHECK_ALLOW_LOOPBACK"] = True
    IN_FLIGHT["most"] = 0
    result = app.test_cli_runner().invoke(args=["check-links"])
    assert result.exit_code == 1, result.output
    assert "4 direcciones revisadas, 2 con problemas." in result.stdout
    assert "no-hay: HTTP 404" in result.stdout and "no-existe.invalid" in result.stdout
    assert "Revisando enlaces: 4/4" in result.stderr  # plain progress lines off a terminal
    assert IN_FLIGHT["most"] >= 2  # two hosts were being checked at the same time
    ok = urls[:2]
    with app.app_context():
        stored = {row.url: row.ok for row in db.session.execute(db.select(LinkCheck)).scalars()}
    assert all(stored[u] for u in ok) and not stored[urls[2]] and not stored[urls[3]]
