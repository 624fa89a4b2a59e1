"""Settings read from the environment (CATALOG_*), with safe defaults for the embedded mode."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _sqlite_default(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'catalog.sqlite3'}"


def load_settings(instance_path: str) -> dict:
    """Collect the app's settings from CATALOG_* environment variables."""
    env = os.environ
    database_url = env.get("CATALOG_DATABASE_URL") or _sqlite_default(instance_path)
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    base_uri = env.get("CATALOG_BASE_URI", "http://localhost:5000").rstrip("/")
    secret = env.get("CATALOG_SECRET_KEY") or _instance_secret(instance_path)
    # how long a request waits for a database lock (or a connection) before answering 503
    lock_timeout_ms = int(env.get("CATALOG_DB_LOCK_TIMEOUT_MS", 5000))
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CATALOG_DB_LOCK_TIMEOUT_MS": lock_timeout_ms,
        "CATALOG_DB_CONNECT_TIMEOUT_SECONDS": int(env.get("CATALOG_DB_CONNECT_TIMEOUT_SECONDS", 5)),
        "CATALOG_BASE_URI": base_uri,
        "SECRET_KEY": secret,
        "CATALOG_FILES_DIR": env.get("CATALOG_FILES_DIR", str(Path(instance_path) / "files")),
        "CATALOG_WITNESS_FILE": env.get(
            "CATALOG_WITNESS_FILE", str(Path(instance_path) / "chain-head.json")
        ),
        "CATALOG_MAX_UPLOAD_BYTES": int(env.get("CATALOG_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)),
        # failed sign-ins per address (every app server counts them in the database)
        "CATALOG_SIGNIN_LIMIT": int(env.get("CATALOG_SIGNIN_LIMIT", 10)),
        "CATALOG_SIGNIN_WINDOW_SECONDS": int(env.get("CATALOG_SIGNIN_WINDOW_SECONDS", 600)),
        "CATALOG_PAGE_SIZE": int(env.get("CATALOG_PAGE_SIZE", 100)),
        # public pages kept per database generation (catalog.web.page_cache); "0" turns it off
        "CATALOG_PAGE_CACHE": env.get("CATALOG_PAGE_CACHE", "1") not in ("0", "false", "no"),
        "CATALOG_MAX_PAGE_SIZE": int(env.get("CATALOG_MAX_PAGE_SIZE", 1000)),
        # harvesting: hosts allowed although they would be refused (`host[:port]`, comma-
        # separated), the size cap and the overall deadline of one document, pages per run
        "CATALOG_FETCH_ALLOW_HOSTS": env.get("CATALOG_FETCH_ALLOW_HOSTS", ""),
        "CATALOG_FETCH_MAX_BYTES": int(env.get("CATALOG_FETCH_MAX_BYTES", 50 * 1024 * 1024)),
        "CATALOG_FETCH_DEADLINE": float(env.get("CATALOG_FETCH_DEADLINE", 60)),
        "CATALOG_HARVEST_MAX_PAGES": int(env.get("CATALOG_HARVEST_MAX_PAGES", 2000)),
        "CATALOG_TITLE": env.get("CATALOG_TITLE", "Catálogo de Gestión Pública Distrital"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": base_uri.startswith("https://"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": base_uri.startswith("https://"),
        # a form's CSRF token lasts a working day; an expired one gets a page to retry from
        "WTF_CSRF_TIME_LIMIT": int(env.get("CATALOG_CSRF_TTL_SECONDS", 8 * 3600)),
        "JSON_SORT_KEYS": False,
        "BABEL_DEFAULT_LOCALE": "es",
        "BABEL_DEFAULT_TIMEZONE": "America/Bogota",
    }


def engine_options(config: dict) -> dict:
    """Engine options for the final database URL: on PostgreSQL a bounded connect and lock
    wait (past them a request answers 503 instead of hanging a worker)."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        lock_ms = int(config["CATALOG_DB_LOCK_TIMEOUT_MS"])
        connect_args = dict(options.get("connect_args") or {})
        connect_timeout = int(config["CATALOG_DB_CONNECT_TIMEOUT_SECONDS"])
        connect_args.setdefault("connect_timeout", connect_timeout)
        connect_args.setdefault("options", f"-c lock_timeout={lock_ms}")
        options["connect_args"] = connect_args
        options.setdefault("pool_timeout", max(1, lock_ms // 1000))
    return options


def _instance_secret(instance_path: str) -> str:
    """A per-install secret kept in the instance folder, so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_hex(32)
        try:  # created private (0600) before a byte is written; never replaced if it exists
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
        return value
