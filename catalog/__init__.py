"""Catálogo de Gestión Pública Distrital — the Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from .config import engine_options, load_settings
from .extensions import db, migrate

PROJECT_DIR = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = PROJECT_DIR / "migrations"
VOCAB_DIR = PROJECT_DIR / "vocab"


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from CATALOG_* (then `overrides`), database, vocabularies, views."""
    from .guards import init_guards

    app = Flask(__name__, instance_relative_config=False)
    init_guards(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_settings(app.instance_path))
    app.config.setdefault("CATALOG_VOCAB_DIR", str(VOCAB_DIR))
    if overrides:
        app.config.update(overrides)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["CATALOG_MAX_UPLOAD_BYTES"] + 1024 * 1024

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    with app.app_context():
        from .database import configure_engine, count_generations

        configure_engine(db.engine, app.config["CATALOG_DB_LOCK_TIMEOUT_MS"])
        count_generations(db.engine)

    from .vocab import load_vocabularies

    app.extensions["vocab"] = load_vocabularies(app.config["CATALOG_VOCAB_DIR"])

    from . import models  # noqa: F401  (register the tables)
    from .errors import register_error_handlers
    from .web import init_web

    register_error_handlers(app)
    from .web.page_cache import init_page_cache

    init_page_cache(app)  # first: its after_request hook runs after every other one
    from .faults import init_faults

    init_faults(app)
    from .services.witness import init_witness

    init_witness(app)
    from .web.headers import init_headers

    init_headers(app)
    init_web(app)
    from .workspace import init_workspace

    init_workspace(app)

    from . import feeds, harvest, stewardship
    from .api import bp as api_bp
    from .feeds.views import feed_links
    from .harvest import bp as harvest_bp

    app.register_blueprint(api_bp)
    feeds.init_app(app)
    harvest.init_app(app)
    stewardship.init_app(app)
    from .web import csrf

    csrf.exempt(harvest_bp)  # the CKAN Action API accepts POST; it is read-only and cookieless
    app.jinja_env.globals["feed_links"] = feed_links

    from .cli import register_commands

    register_commands(app)
    return app
