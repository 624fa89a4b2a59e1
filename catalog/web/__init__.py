"""The public site: pages, per-resource RDF, the catalog document."""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from . import helpers

csrf = CSRFProtect()
babel = Babel()


def init_web(app: Flask) -> None:
    """Template helpers, CSRF on forms (not the token API), Babel, and the public blueprint."""
    from ..i18n import init_i18n, select_locale

    babel.init_app(app, default_locale="es", locale_selector=select_locale)
    init_i18n(app)
    csrf.init_app(app)
    helpers.register(app)

    from .public import bp as public_bp

    app.register_blueprint(public_bp)
    from ..api import bp as api_bp

    csrf.exempt(api_bp)
