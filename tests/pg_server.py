"""Start or stop a throw-away PostgreSQL server for the test suite (Debian's binaries).

    python -m tests.pg_server start DIR   → prints the connection URL
    python -m tests.pg_server stop DIR

PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
It listens only on a Unix socket inside DIR (no TCP port to collide with).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path


def _bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if not candidates:
        raise SystemExit("PostgreSQL no está instalado (falta pg_ctl): apt-get install postgresql")
    return Path(candidates[0]).parent


def _run(args: list[str], user: str | None) -> None:
    if user:
        args = ["runuser", "-u", user, "--", *args]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def start(directory: Path) -> str:
    bindir = _bindir()
    user = "postgres" if os.geteuid() == 0 else None
    directory.mkdir(parents=True, exist_ok=True)
    data = directory / "data"
    if user:
        shutil.chown(directory, user)
    if not (data / "PG_VERSION").exists():
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "catalog",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            user,
        )
    options = (
        f"-c listen_addresses='' -c unix_socket_directories='{directory}' "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    _run(
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-w",
            "-l",
            str(directory / "server.log"),
            "start",
        ],
        user,
    )
    return f"postgresql://catalog@/postgres?host={directory}"


def pause(directory: Path) -> None:
    """Stop the server but keep its data (start() brings it back)."""
    user = "postgres" if os.geteuid() == 0 else None
    data = directory / "data"
    if (data / "postmaster.pid").exists():
        _run([str(_bindir() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], user)


def stop(directory: Path) -> None:
    pause(directory)
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    command, where = sys.argv[1], Path(sys.argv[2])
    if command == "start":
        print(start(where))
    else:
        stop(where)
