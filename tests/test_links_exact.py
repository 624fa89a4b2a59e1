"""The link checker's answers, field by field, against real local HTTP and HTTPS servers."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from catalog.stewardship import links
from catalog.stewardship.links import check_url

SEEN: list[dict] = []


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        SEEN.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        if self.path.startswith("/saltos/"):
            left = int(self.path.rsplit("/", 1)[1])
            if left:
                self.send_response(302)
                self.send_header("Location", f"/saltos/{left - 1}")  # relative
                self.end_headers()
                return
        status = {"/vacio": 204, "/sin-destino": 301, "/error": 500, "/prohibido": 403}.get(
            self.path.split("?")[0], 200
        )
        self.send_response(status)
        if self.path != "/sin-tipo":
            self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.end_headers()
        if status != 204:
            self.wfile.write(b"a,b\n")

    def log_message(self, *args):
        pass


def _serve(httpd):
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    _serve(httpd)
    SEEN.clear()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """HTTPS on loopback with a certificate for "localhost", trusted through SSL_CERT_FILE
    (the checker's default context reads it), so the pinned connection is really verified."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    _serve(httpd)
    SEEN.clear()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    # "localhost" resolves to the loopback address only (no IPv6 surprise)
    real = socket.getaddrinfo

    def ipv4_localhost(host, port, *args, **kwargs):
        if host == "localhost":
            host = "127.0.0.1"
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(links.socket, "getaddrinfo", ipv4_localhost)
    yield httpd.server_port
    httpd.shutdown()
    httpd.server_close()


def expect(result, url, ok, status, media, error):
    assert result.url == url
    assert result.ok is ok
    assert result.status_code == status
    assert result.media_type == media
    if error is None:
        assert result.error is None
    else:
        assert result.error is not None and result.error.startswith(error), result.error
    assert isinstance(result.elapsed_ms, int) and 0 <= result.elapsed_ms < 30_000


def test_each_field_of_a_result(server):
    for path, ok, status, media, error in (
        ("/datos.csv", True, 200, "text/csv", None),
        ("/vacio", True, 204, "text/csv", None),
        ("/sin-tipo", True, 200, None, None),
        ("/sin-destino", False, 301, "text/csv", None),  # a 3xx without Location ends there
        ("/prohibido", False, 403, "text/csv", "HTTP 403"),
        ("/error", False, 500, "text/csv", "HTTP 500"),
    ):
        expect(
            check_url(server + path, allow_loopback=True), server + path, ok, status, media, error
        )


def test_the_request_names_the_host_path_query_and_checker(server):
    check_url(server + "/datos.csv?anio=2026&x=1", allow_loopback=True)
    check_url(server, allow_loopback=True)  # no path: "/"
    first, second = SEEN
    assert first["path"] == "/datos.csv?anio=2026&x=1"
    assert first["host"] == server.removeprefix("http://")
    assert first["user-agent"] == links.USER_AGENT and first["accept"] == "*/*"
    assert second["path"] == "/"


def test_redirects_are_followed_up_to_the_limit(server):
    url = f"{server}/saltos/{links.MAX_REDIRECTS}"
    expect(check_url(url, allow_loopback=True), url, True, 200, "text/csv", None)
    assert len(SEEN) == links.MAX_REDIRECTS + 1
    SEEN.clear()
    url = f"{server}/saltos/{links.MAX_REDIRECTS + 1}"
    expect(check_url(url, allow_loopback=True), url, False, None, None, "demasiadas redirecciones")
    assert len(SEEN) == links.MAX_REDIRECTS + 1


def test_refusals_and_connection_errors_are_results(server):
    url = "ftp://example.org/x"
    expect(check_url(url), url, False, None, None, "rechazada: solo se revisan")
    expect(check_url("http:///x"), "http:///x", False, None, None, "rechazada")
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}/"
    result = check_url(url, allow_loopback=True)
    expect(result, url, False, None, None, "error de conexión")
    assert len(result.error) <= 500
    expect(check_url(url, deadline=0), url, False, None, None, "sin respuesta completa en 0 s")


def test_https_is_verified_for_the_host_name_on_the_vetted_address(tls_server):
    url = f"https://localhost:{tls_server}/datos.csv"
    expect(check_url(url, allow_loopback=True), url, True, 200, "text/csv", None)
    assert SEEN[-1]["host"] == f"localhost:{tls_server}"
    # the same server by address: the certificate does not name it, so the check fails
    url = f"https://127.0.0.1:{tls_server}/datos.csv"
    result = check_url(url, allow_loopback=True)
    expect(result, url, False, None, None, "error de conexión")
    assert "certificate" in result.error.lower() or "hostname" in result.error.lower()


def test_https_without_a_port_goes_to_443(monkeypatch):
    seen = {}

    def vet(host, port, allow_loopback):
        seen[host] = port
        raise links.Refused("detenida en la prueba")

    monkeypatch.setattr(links, "_vet", vet)
    check_url("https://a.example/x")
    check_url("http://b.example/x")
    check_url("http://c.example:8080/x")
    assert seen == {"a.example": 443, "b.example": 80, "c.example": 8080}


def test_https_connects_to_the_vetted_address_not_a_new_lookup(monkeypatch):
    """The name is resolved once, by the guard; the TLS connection goes to that address (a
    second lookup could be answered with a private one), verified for the original name."""
    dialled = []

    def create_connection(address, timeout=None, *args, **kwargs):
        dialled.append(address)
        raise ConnectionRefusedError("detenida en la prueba")

    monkeypatch.setattr(links, "_vet", lambda host, port, allow_loopback: "203.0.113.9")
    monkeypatch.setattr(links.socket, "create_connection", create_connection)
    result = check_url("https://portal.example:8443/datos.csv")
    assert dialled == [("203.0.113.9", 8443)]
    assert result.ok is False and result.error.startswith("error de conexión")
    conn = links._PinnedHTTPS("203.0.113.9", "portal.example", 8443, 5)
    assert (conn.host, conn.port) == ("portal.example", 8443)
