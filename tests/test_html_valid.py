"""The public HTML is valid: html5lib in strict mode (the HTML5 parsing algorithm) reports no
parse errors, and no id is used twice."""

from __future__ import annotations

import re

import html5lib
import pytest

from catalog.extensions import db
from catalog.models import PUBLISHED, Resource


def pages(app) -> list[str]:
    with app.app_context():
        slugs = {
            kind: db.session.execute(
                db.select(Resource.slug).where(Resource.status == PUBLISHED, Resource.type == kind)
            )
            .scalars()
            .first()
            for kind in ("norma", "buena-practica", "conjunto-datos", "guia")
        }
    return [
        "/",
        "/buscar",
        "/buscar?q=gestion&tipo=guia&entidad=secretaria-general",
        "/buscar?q=%3Cscript%3E",
        *(f"/recurso/{slug}" for slug in slugs.values()),
        "/entidad/secretaria-general",
        "/recurso/plan-tratamiento-riesgos-seguridad-informacion",  # a reserved resource
        "/tema/mipg/gobierno-digital",
        "/tema/datos-gov-co/funcion-publica",
        "/acerca",
        "/estado",
        "/integridad",
        "/no-existe",
    ]


def test_public_pages_are_valid_html(shared_demo):
    client = shared_demo.test_client()
    for path in pages(shared_demo):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        html = response.get_data(as_text=True)
        parser = html5lib.HTMLParser(strict=True)
        try:
            parser.parse(html)
        except html5lib.html5parser.ParseError as error:
            pytest.fail(f"{path}: {error}")
        ids = re.findall(r'\sid="([^"]+)"', html)
        duplicates = {i for i in ids if ids.count(i) > 1}
        assert not duplicates, (path, duplicates)


def test_the_checker_catches_errors():
    with pytest.raises(html5lib.html5parser.ParseError):
        html5lib.HTMLParser(strict=True).parse("<!doctype html><title>x</title><p>a</div>")
