"""RSS 2.0 and Atom feeds under /feeds/ (feedgen)."""

from flask import Blueprint

bp = Blueprint("feeds", __name__, url_prefix="/feeds")


def init_app(app) -> None:
    """Attach the views (kept out of the package's import, so its builders import light)."""
    from . import views  # noqa: F401  (register the views)

    app.register_blueprint(bp)
