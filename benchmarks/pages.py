"""Public endpoints against a bare Flask page, side by side in one run (issue #21).

    python -m benchmarks.pages [--database URL] [--seconds 5] [--rounds 3]

Both apps run under gunicorn with 2 sync workers on loopback; `wrk -t1 -c8` (Debian package
`wrk`) loads each endpoint for a few seconds, alternating with the bare page (the
benchmarks/bare_app.py reference), and the medians of the rounds are compared. The catalog is
the demo district on a fresh SQLite file unless --database names an empty database.

Between writes, pages are served from the page cache (catalog.web.page_cache), which is what
the req/s columns measure; "cold ms" is the render with nothing kept, the first request after
a write (median of 10, in-process).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).parents[1]
ENDPOINTS = [
    ("/", 0.5),
    ("/buscar?q=gestion", 0.5),
    ("/recurso/decreto-847-2019-servicio-ciudadania", 0.5),
    ("/entidad/secretaria-general", 0.5),
    ("/catalog.ttl", 0.5),
    ("/feeds/recursos.rss", 0.5),
    ("/data.json", 0.25),
    ("/api/3/action/package_search?rows=100", 0.25),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(module: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", module],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"{module} did not start on port {port}")


def _wrk(url: str, seconds: int) -> float:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    out = subprocess.run(
        [wrk, "-t1", "-c8", f"-d{seconds}s", url], capture_output=True, text=True, check=True
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def _cold(env: dict[str, str], repeat: int = 10) -> dict[str, float]:
    """Median ms of each endpoint rendered with nothing kept (the first request after a
    write), in this process through Flask's test client."""
    os.environ.update(env)
    from catalog import create_app
    from catalog.feeds import views as feeds
    from catalog.search import cache
    from catalog.web import page_cache

    app = create_app({"SERVER_NAME": None})
    client = app.test_client()
    out = {}
    for path, _ in ENDPOINTS:
        times = []
        for _ in range(repeat):
            page_cache.forget()
            cache.forget()
            feeds._rendered.clear()
            start = time.perf_counter()
            response = client.get(path)
            response.get_data()
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, path
        out[path] = statistics.median(times)
    return out


def main() -> None:
    args = sys.argv[1:]

    def option(name: str, default: str | None) -> str | None:
        return args[args.index(name) + 1] if name in args else default

    seconds = int(option("--seconds", "5"))
    rounds = int(option("--rounds", "3"))
    workdir = Path(tempfile.mkdtemp(prefix="catalog-pages-"))
    database = option("--database", None) or f"sqlite:///{workdir / 'catalog.sqlite3'}"
    catalog_port, bare_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "CATALOG_DATABASE_URL": database,
        "CATALOG_FILES_DIR": str(workdir / "files"),
        "CATALOG_WITNESS_FILE": str(workdir / "witness.json"),
        "CATALOG_BASE_URI": f"http://127.0.0.1:{catalog_port}",
        "CATALOG_SECRET_KEY": "benchmark",
    }
    catalog = Path(sys.executable).with_name("catalog")
    subprocess.run([str(catalog), "demo"], env=env, check=True, capture_output=True)
    servers = [
        _serve("wsgi:app", catalog_port, env),
        _serve("benchmarks.bare_app:app", bare_port, env),
    ]
    try:
        print(
            f"gunicorn -w 2 each, wrk -t1 -c8 -d{seconds}s, {rounds} rounds alternating; "
            f"database {database.split(':')[0]}"
        )
        cold = _cold(env)
        print(
            f"{'endpoint':48s}{'catalog req/s':>14s}{'bare req/s':>12s}{'ratio':>8s}"
            f"{'cold ms':>9s}  target"
        )
        for path, target in ENDPOINTS:
            mine, bare = [], []
            for _ in range(rounds):
                bare.append(_wrk(f"http://127.0.0.1:{bare_port}/", seconds))
                mine.append(_wrk(f"http://127.0.0.1:{catalog_port}{path}", seconds))
            m, b = statistics.median(mine), statistics.median(bare)
            ratio = m / b
            verdict = "OK" if ratio >= target else "SLOW"
            print(
                f"{path:48s}{m:14.0f}{b:12.0f}{ratio:8.2f}{cold[path]:9.1f}  ≥ {target}×: {verdict}"
            )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
