"""A safe link checker: `catalog check-links` records the status of every distribution URL.

Safety (the checker runs inside the city's network): only http/https; every hop's host is
resolved here and each address must be globally routable (no loopback, private, link-local —
cloud metadata included —, multicast, reserved or IPv4-mapped forms of those); the connection goes
to the vetted address (no second DNS lookup to rebind); redirects are followed by hand and vetted
again; timeouts; at most MAX_BYTES read; one request per host per MIN_INTERVAL seconds; a clear
User-Agent. Never called while rendering a page: pages read the stored results.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from sqlalchemy import update

from ..extensions import db
from ..models import PUBLISHED, Distribution, LinkCheck, Resource
from ..models.types import utcnow
from ..rdf.mapping import distribution_urls
from .quality import score

USER_AGENT = "CatalogoGestionPublicaBogota-LinkChecker/1.0 (+https://catalogo.bogota.gov.co/acerca)"
MAX_BYTES = 256 * 1024
MAX_REDIRECTS = 5
TIMEOUT = 10.0
DEADLINE = 30.0  # the whole check of one URL, redirects included, however the server trickles
MIN_INTERVAL = 1.0


class Refused(Exception):
    """The URL points somewhere the checker must not go."""


@dataclass
class Result:
    url: str
    ok: bool
    status_code: int | None = None
    media_type: str | None = None
    error: str | None = None
    elapsed_ms: int = 0


def _vet(host: str, port: int, allow_loopback: bool) -> str:
    """Resolve host and return one address that is safe to connect to, else raise Refused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise Refused(f"no se pudo resolver {host}: {error}") from None
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address.is_loopback and allow_loopback:
            addresses.append(str(address))
            continue
        if not address.is_global or address.is_multicast:
            raise Refused(f"{host} resuelve a una dirección no pública ({address})")
        addresses.append(str(address))
    if not addresses:
        raise Refused(f"{host} no tiene direcciones")
    return addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a vetted address, verifying the certificate for the original host name."""

    def __init__(self, address: str, host: str, port: int, timeout: float):
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


class _Watchdog:
    """Closes a connection's socket when the overall deadline passes: a server that sends one
    byte just inside each socket timeout cannot hold the checker longer than the deadline."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float):
        self.fired = False
        self._conn = conn
        self._timer = threading.Timer(max(seconds, 0.001), self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        sock = self._conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()


class DeadlineExceeded(Exception):
    pass


def check_url(
    url: str,
    *,
    allow_loopback: bool = False,
    timeout: float = TIMEOUT,
    deadline: float = DEADLINE,
) -> Result:
    started = time.monotonic()
    current = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            remaining = deadline - (time.monotonic() - started)
            if remaining <= 0:
                raise DeadlineExceeded
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise Refused("solo se revisan direcciones http y https")
            port = parts.port or (443 if parts.scheme == "https" else 80)
            address = _vet(parts.hostname, port, allow_loopback)
            if parts.scheme == "https":
                conn: http.client.HTTPConnection = _PinnedHTTPS(
                    address, parts.hostname, port, timeout
                )
            else:
                conn = http.client.HTTPConnection(address, port, timeout=timeout)
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            watchdog = _Watchdog(conn, remaining)
            try:
                with watchdog:
                    conn.request(
                        "GET",
                        path,
                        headers={"Host": parts.netloc, "User-Agent": USER_AGENT, "Accept": "*/*"},
                    )
                    response = conn.getresponse()
                    response.read(MAX_BYTES)
                    status = response.status
                    location = response.getheader("Location")
                    kind = (response.getheader("Content-Type") or "").split(";")[0].strip()
                    media = kind or None
            except (OSError, http.client.HTTPException):
                if watchdog.fired:
                    raise DeadlineExceeded from None
                raise
            finally:
                conn.close()
            if watchdog.fired:
                raise DeadlineExceeded
            if status in (301, 302, 303, 307, 308) and location:
                current = urljoin(current, location)
                continue
            return Result(
                url,
                200 <= status < 300,
                status,
                media,
                None if status < 400 else f"HTTP {status}",
                _ms(started),
            )
        return Result(url, False, None, None, "demasiadas redirecciones", _ms(started))
    except Refused as error:
        return Result(url, False, None, None, f"rechazada: {error}", _ms(started))
    except DeadlineExceeded:
        message = f"sin respuesta completa en {deadline:g} s (plazo total)"
        return Result(url, False, None, None, message, _ms(started))
    except (OSError, http.client.HTTPException) as error:
        return Result(url, False, None, None, f"error de conexión: {error}"[:500], _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


WORKERS = 8  # hosts checked at the same time (each host still one request at a time)


def _check_host(urls: list[str], allow_loopback: bool, min_interval: float) -> list[Result]:
    """One host's URLs, one after another, at most one request per `min_interval`."""
    results = []
    last = -1e9
    for url in urls:
        wait = min_interval - (time.monotonic() - last)
        if wait > 0:
            time.sleep(wait)
        results.append(check_url(url, allow_loopback=allow_loopback))
        last = time.monotonic()
    return results


def check_all(
    *,
    allow_loopback: bool = False,
    min_interval: float = MIN_INTERVAL,
    workers: int = WORKERS,
    progress: Callable[[int, int], None] | None = None,
) -> list[Result]:
    """Check every distribution URL of published resources, store results, refresh scores.

    Hosts are checked concurrently (`workers` at a time; DNS failures no longer queue up one
    behind another), each host's URLs one at a time and politely spaced; `progress(done,
    total)` is called as results arrive. Only the calling thread touches the database."""
    dists = (
        db.session.execute(
            db.select(Distribution).join(Resource).where(Resource.status == PUBLISHED)
        )
        .scalars()
        .all()
    )
    urls = sorted({u for d in dists for u in distribution_urls(d) if u})
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(urlsplit(url).hostname or "", []).append(url)
    results: list[Result] = []
    if progress:
        progress(0, len(urls))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [
            pool.submit(_check_host, group, allow_loopback, min_interval)
            for group in by_host.values()
        ]
        for future in as_completed(futures):
            for result in future.result():
                results.append(result)
                _store(result)
                if progress:
                    progress(len(results), len(urls))
    results.sort(key=lambda r: r.url)
    db.session.flush()
    # derived data only: update scores without bumping the resources' versions (ETags)
    for resource in {d.resource for d in dists}:
        scored = score(resource)
        db.session.execute(
            update(Resource.__table__)
            .where(Resource.__table__.c.id == resource.id)
            .values(quality_score=scored["total"], quality=scored)
        )
    db.session.commit()
    return results


def _store(result: Result) -> None:
    key = hashlib.sha256(result.url.encode()).hexdigest()
    row = db.session.execute(
        db.select(LinkCheck).where(LinkCheck.url_hash == key)
    ).scalar_one_or_none() or LinkCheck(url_hash=key, url=result.url)
    row.checked_at, row.status_code, row.ok = utcnow(), result.status_code, result.ok
    row.media_type, row.error = result.media_type, result.error
    row.elapsed_ms = result.elapsed_ms
    db.session.add(row)
