"""Each publisher states its own ADMS type: its own choice, its entity's, or its order's."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from catalog.extensions import db
from catalog.models import Publisher
from catalog.services.actors import Actor
from catalog.services.publishers import save_publisher

ADMS = "http://purl.org/adms/publishertype/"


def _type(client, slug: str) -> tuple[str, Graph]:
    g = Graph().parse(data=client.get(f"/entidad/{slug}.ttl").data, format="turtle")
    agent = URIRef(f"http://catalogo.test/id/entidad/{slug}")
    types = list(g.objects(agent, DCTERMS.type))
    assert len(types) == 1, types
    assert (types[0], SKOS.inScheme, URIRef(ADMS + "1.0")) in g
    return str(types[0]), g


def test_the_publisher_type_is_the_publishers_own(app):
    with app.app_context():
        save_publisher(
            {"slug": "acueducto", "name": "Empresa de Acueducto", "publisher_type": "empresa"},
            Actor.system(),
        )
        save_publisher(
            {"slug": "acueducto-gerencia", "name": "Gerencia", "parent": "acueducto"},
            Actor.system(),
        )
        save_publisher({"slug": "alcaldia", "name": "Alcaldía Local"}, Actor.system())
        ministry = Publisher(slug="ministerio", name="Ministerio", orden="Nacional")
        db.session.add(ministry)
        db.session.commit()
    client = app.test_client()
    kind, g = _type(client, "acueducto")
    assert kind == ADMS + "Company"
    assert {(str(o), o.language) for o in g.objects(URIRef(kind), SKOS.prefLabel)} == {
        ("Empresa", "es"),
        ("Company", "en"),
    }
    assert _type(client, "acueducto-gerencia")[0] == ADMS + "Company"  # a unit: its entity's
    assert _type(client, "alcaldia")[0] == ADMS + "LocalAuthority"  # Distrital by default
    assert _type(client, "ministerio")[0] == ADMS + "NationalAuthority"


def test_an_unknown_type_is_refused_by_field(app):
    import pytest

    from catalog.errors import Invalid

    with app.app_context():
        with pytest.raises(Invalid) as bad:
            save_publisher(
                {"slug": "x-entidad", "name": "Entidad X", "publisher_type": "empresita"},
                Actor.system(),
            )
        assert "publisher_type" in bad.value.fields
        assert (
            db.session.execute(db.select(Publisher).where(Publisher.slug == "x-entidad")).first()
            is None
        )
