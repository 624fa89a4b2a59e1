"""The publisher JSON API, /api/v1/."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _credentials_first():
    """A bearer token, when sent, is checked before anything else on every API route: a bad
    or revoked one is a 401 even where no token is needed."""
    from .auth import optional_actor

    optional_actor()


from . import docs, views  # noqa: E402,F401
from .idempotency import init_idempotency  # noqa: E402

init_idempotency()
