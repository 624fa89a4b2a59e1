"""Stewardship: the catalog watching over itself (integrity, reviews, quality)."""

from flask import Blueprint

bp = Blueprint("stewardship", __name__)


def init_app(app) -> None:
    """Attach the views (kept out of the package's import, so its builders import light)."""
    from . import register_views, views  # noqa: F401  (register the views)

    app.register_blueprint(bp)
