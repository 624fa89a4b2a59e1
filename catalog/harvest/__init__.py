"""What harvesters read: the paged DCAT-AP catalog and dumps, data.json, the CKAN Action API,
sitemaps and the deletion list."""

from flask import Blueprint

bp = Blueprint("harvest", __name__)


def init_app(app) -> None:
    """Attach the views (kept out of the package's import, so its builders import light)."""
    from . import ckan, views  # noqa: F401  (register the views)

    app.register_blueprint(bp)
