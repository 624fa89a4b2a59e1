"""What harvesters read: the paged DCAT-AP catalog and dumps, data.json, the CKAN Action API,
sitemaps and the deletion list."""

from flask import Blueprint

bp = Blueprint("harvest", __name__)

from . import ckan, views  # noqa: E402,F401
