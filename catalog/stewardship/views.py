"""The published chain head: anyone can record it and later check history was not rewritten."""

from __future__ import annotations

from flask import jsonify, render_template

from .. import urls
from ..extensions import db
from ..models import ChainHead
from . import bp


def _head() -> dict:
    head = db.session.get(ChainHead, 1)
    return {
        "catalog": urls.catalog_uri(),
        "hash": head.hash if head else None,
        "length": head.length if head else 0,
        "updated_at": head.updated_at.isoformat() if head and head.updated_at else None,
        "algorithm": "SHA-256; catalog_hash = sha256(prev_catalog_hash + ':' + revision_hash)",
    }


@bp.get("/integridad.json")
def head_json():
    response = jsonify(_head())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/integridad")
def head_page():
    return render_template("stewardship/integrity.html", head=_head())
