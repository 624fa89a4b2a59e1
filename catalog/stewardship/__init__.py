"""Stewardship: the catalog watching over itself (integrity, reviews, quality)."""

from flask import Blueprint

bp = Blueprint("stewardship", __name__)

from . import register_views, views  # noqa: E402,F401
