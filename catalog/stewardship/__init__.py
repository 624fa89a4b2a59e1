"""Stewardship: the catalog watching over itself (integrity, reviews, quality)."""

from flask import Blueprint

bp = Blueprint("stewardship", __name__)

from . import views  # noqa: E402,F401
