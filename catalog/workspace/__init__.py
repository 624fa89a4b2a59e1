"""The publisher workspace: sign-in, forms, workflow, history, files, tokens, dashboards.

Everything here is for signed-in staff under /publicar; every write goes through a service.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("workspace", __name__, url_prefix="/publicar")


def init_workspace(app: Flask) -> None:
    """Flask-Login, the CSRF error page, and the workspace views."""
    from . import auth

    auth.init_login(app)
    from . import admin, dashboard, harvest, history, imports, members, resources  # noqa: F401  (register the views)

    app.register_blueprint(bp)
