"""The vetted fetcher for documents the catalog reads from elsewhere (harvest sources).

The same safety as the link checker (stewardship/links.py, whose vetting it uses): only
http/https; every hop's host resolved here and refused when it is not globally routable
(loopback, private, link-local and cloud metadata included); the connection goes to the vetted
address; redirects followed by hand and vetted again. On top: a size cap per document and an
overall deadline however slowly the server trickles. `CATALOG_FETCH_ALLOW_HOSTS`
(comma-separated `host[:port]`) names hosts an operator allows although they would be refused,
such as a source on the same machine.
"""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .stewardship.links import MAX_REDIRECTS, Refused, _PinnedHTTPS, _vet
from .stewardship.links import _Watchdog as _LinkWatchdog

USER_AGENT = "CatalogoGestionPublicaBogota-Harvester/1.0 (+https://catalogo.bogota.gov.co/acerca)"
MAX_DOCUMENT = 50 * 1024 * 1024
DEADLINE = 60.0
TIMEOUT = 20.0


class _Watchdog(_LinkWatchdog):
    """The link checker's deadline, holding the socket itself: a response that streams until
    the connection closes is read through a file object after http.client lets go of it."""

    _held: socket.socket | None = None

    def hold(self, sock: socket.socket | None) -> None:
        self._held = sock

    def _fire(self) -> None:
        super()._fire()
        if self._held is not None:
            try:
                self._held.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class FetchError(Exception):
    """The document could not be read; the message says why, in Spanish."""


@dataclass
class Document:
    url: str  # after redirects
    content_type: str
    body: bytes


def allowed_hosts(setting: str | None) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in (setting or "").split(",") if h.strip())


def _address(host: str, port: int, allow: frozenset[str]) -> str:
    if host.lower() in allow or f"{host.lower()}:{port}" in allow:
        try:
            return str(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4][0])
        except socket.gaierror as error:
            raise FetchError(f"no se pudo resolver {host}: {error}") from None
    try:
        return _vet(host, port, allow_loopback=False)
    except Refused as error:
        raise FetchError(f"dirección rechazada: {error}") from None


def _read(response: http.client.HTTPResponse, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read(min(65536, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise FetchError(f"el documento supera el tamaño máximo ({limit // 1048576} MB)")


def fetch(
    url: str,
    *,
    accept: str = "*/*",
    allow: frozenset[str] = frozenset(),
    max_bytes: int = MAX_DOCUMENT,
    deadline: float = DEADLINE,
    timeout: float = TIMEOUT,
) -> Document:
    """GET one document, or raise FetchError."""
    started = time.monotonic()
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        remaining = deadline - (time.monotonic() - started)
        if remaining <= 0:
            raise FetchError(f"sin respuesta completa en {deadline:g} s")
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("solo se leen direcciones http y https")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _address(parts.hostname, port, allow)
        if parts.scheme == "https":
            conn: http.client.HTTPConnection = _PinnedHTTPS(address, parts.hostname, port, timeout)
        else:
            conn = http.client.HTTPConnection(address, port, timeout=timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        watchdog = _Watchdog(conn, remaining)
        try:
            with watchdog:
                conn.connect()
                watchdog.hold(conn.sock)  # http.client drops conn.sock once the body streams
                conn.request(
                    "GET",
                    path,
                    headers={"Host": parts.netloc, "User-Agent": USER_AGENT, "Accept": accept},
                )
                response = conn.getresponse()
                status = response.status
                location = response.getheader("Location")
                kind = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
                body = _read(response, max_bytes) if status == 200 else b""
        except (OSError, http.client.HTTPException) as error:
            if watchdog.fired:
                raise FetchError(f"sin respuesta completa en {deadline:g} s") from None
            raise FetchError(f"error de conexión: {error}"[:300]) from None
        finally:
            conn.close()
        if watchdog.fired:
            raise FetchError(f"sin respuesta completa en {deadline:g} s")
        if status in (301, 302, 303, 307, 308) and location:
            current = urljoin(current, location)
            continue
        if status != 200:
            raise FetchError(f"la fuente respondió HTTP {status}")
        return Document(current, kind, body)
    raise FetchError("demasiadas redirecciones")
