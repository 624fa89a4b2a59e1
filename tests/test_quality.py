"""Quality score: crafted resources score exactly the hand-computed points."""

from __future__ import annotations

import hashlib

from catalog.extensions import db
from catalog.models import LinkCheck, Publisher
from catalog.services.actors import Actor
from catalog.services.resources import create_resource, get_resource, update_resource
from catalog.stewardship.quality import band, score

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def setup_publisher(app, email=None):
    with app.app_context():
        db.session.add(Publisher(slug="entidad", name="Entidad", email=email))
        db.session.commit()


def test_bare_resource(app):
    setup_publisher(app)
    with app.app_context():
        resource = create_resource(
            {"title": "Mínimo", "type": "guia", "publisher": "entidad"}, Actor.system()
        )
        result = score(resource)
    # findability: spatial 20 · reusability: publisher 10 and the licence the record was
    # created with (the catalog's default, stored) 30 (no description: no DCAT-AP points)
    assert result["dimensions"] == {
        "findability": 20,
        "accessibility": 0,
        "interoperability": 0,
        "reusability": 40,
        "contextuality": 0,
    }
    assert result["total"] == 60 and result["band"] == "Deficiente"
    assert "Agregue palabras clave." in result["fixes"]
    with app.app_context():
        assert get_resource("minimo").quality_score == 60  # stored on write


def test_complete_resource_with_checked_links(app):
    setup_publisher(app, email="contacto@entidad.gov.co")
    access, download = "https://datos.example.org/d", "https://datos.example.org/d.csv"
    with app.app_context():
        for url in (access, download):
            db.session.add(
                LinkCheck(
                    url_hash=hashlib.sha256(url.encode()).hexdigest(),
                    url=url,
                    ok=True,
                    status_code=200,
                )
            )
        db.session.commit()
        resource = create_resource(
            {
                "title": "Completo",
                "type": "conjunto-datos",
                "publisher": "entidad",
                "description": "Datos completos.",
                "keywords": ["a"],
                "themes": ["https://catalogo.bogota.gov.co/def/datos-gov-co/funcion-publica"],
                "temporal_start": "2024-01-01",
                "temporal_end": "2024-12-31",
                "license": "cc-by-4.0",
                "access_rights": "publica",
                "rights": "Libre uso.",
                "issued": "2024-01-01",
                "modified": "2024-06-01",
                "distributions": [
                    {
                        "access_url": access,
                        "download_url": download,
                        "media_type": "text/csv",
                        "format": "csv",
                        "byte_size": 10,
                    }
                ],
            },
            Actor.system(),
        )
        result = score(resource)
        assert result["total"] == 405 and result["band"] == "Excelente", result
        # a second, proprietary, unchecked distribution halves the distribution-level checks
        update_resource(
            resource,
            {
                "distributions": [
                    *[
                        {
                            "id": d.uuid,
                            "access_url": access,
                            "download_url": download,
                            "media_type": "text/csv",
                            "format": "csv",
                            "byte_size": 10,
                        }
                        for d in resource.distributions
                    ],
                    {
                        "access_url": "https://otra.example.org/x.xlsx",
                        "format": "xlsx",
                        "media_type": XLSX,
                    },
                ]
            },
            Actor.system(),
            partial=True,
        )
        result = score(get_resource("completo"))
    # accessibility 25+10+15 · interoperability 20+10+10+10(non-proprietary 1/2)+20+30 ·
    # contextuality 5+2.5→2 (rounded)+5+5
    assert result["dimensions"]["accessibility"] == 50
    assert result["dimensions"]["interoperability"] == 100
    assert result["dimensions"]["contextuality"] == 18


def test_bands():
    assert [band(p) for p in (405, 351, 350, 221, 220, 121, 120, 0)] == [
        "Excelente",
        "Excelente",
        "Bueno",
        "Bueno",
        "Suficiente",
        "Suficiente",
        "Deficiente",
        "Deficiente",
    ]


def test_state_page_ranks_entities(shared_demo):
    from html.parser import HTMLParser

    from catalog.models import PUBLISHED, Resource

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self._cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th") and self.rows:
                self._cell = ""

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self._cell is not None:
                self.rows[-1].append(self._cell.strip())
                self._cell = None

        def handle_data(self, data):
            if self._cell is not None:
                self._cell += data

    response = shared_demo.test_client().get("/estado")
    assert response.status_code == 200
    parser = Rows()
    # the ranking table: the first section (the others chart levels, reviews and years)
    parser.feed(response.get_data(as_text=True).split('id="niveles"', 1)[0])
    rows = [r for r in parser.rows[1:] if r]
    body, totals = rows[:-1], rows[-1]  # the last row (tfoot) is the whole catalog
    with shared_demo.app_context():
        published = db.session.execute(
            db.select(db.func.count(Resource.id)).where(Resource.status == PUBLISHED)
        ).scalar_one()
    assert sum(int(r[1]) for r in body) == published
    assert totals[0] == "Todo el catálogo" and int(totals[1]) == published
    for column in (2, 3, 4, 5):
        assert int(totals[column]) == sum(int(r[column]) for r in body)
    scores = [int(r[6]) for r in body]
    assert scores == sorted(scores, reverse=True)
    assert "<svg" in response.get_data(as_text=True)
