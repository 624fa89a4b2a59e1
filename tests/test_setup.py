"""A newcomer's first commands, run as processes exactly as `make run PORT=…` runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CATALOG = [sys.executable, "-c", "import sys; from catalog.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOG_")}
    env.update(
        CATALOG_DATABASE_URL=f"sqlite:///{tmp / 'catalog.sqlite3'}",
        CATALOG_FILES_DIR=str(tmp / "files"),
        CATALOG_WITNESS_FILE=str(tmp / "chain-head.json"),
        CATALOG_SECRET_KEY="prueba",
        **extra,
    )
    return env


def _get(url: str, deadline: float = 30) -> str:
    end = time.monotonic() + deadline
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (loopback)
                return answer.read().decode()
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.3)


def test_run_on_another_port_publishes_links_to_that_port(tmp_path):
    port = _free_port()
    # the demo was loaded once for the default port; make run PORT=… loads it for its own
    first = subprocess.run([*CATALOG, "demo"], env=_env(tmp_path), capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "INFO" not in first.stderr  # no Alembic chatter
    again = subprocess.run(
        [*CATALOG, "demo"],
        env=_env(tmp_path, CATALOG_BASE_URI=f"http://localhost:{port}"),
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0 and f"renderizados de nuevo para http://localhost:{port}" in (
        again.stdout
    ), again.stdout + again.stderr
    server = subprocess.Popen(
        [*CATALOG, "run", "--port", str(port)],
        env=_env(tmp_path),  # no CATALOG_BASE_URI: derived from the port served
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        home = _get(f"http://127.0.0.1:{port}/")
        dump = _get(f"http://127.0.0.1:{port}/catalog.nt?page_size=20")
        api = _get(f"http://127.0.0.1:{port}/api/v1/resources?limit=3")
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert f"Sirviendo en http://localhost:{port}" in output
    for text in (home, dump, api):
        assert f"http://localhost:{port}/" in text
        assert "localhost:5000" not in text
