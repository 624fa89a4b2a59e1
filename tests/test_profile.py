"""The declared DCAT profile, both ways: every demo resource → RDF → record gives back each
declared public field; a new field is one declaration."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from rdflib import Graph, Literal, URIRef

from catalog import urls
from catalog.extensions import db
from catalog.models import Resource
from catalog.rdf import profile
from catalog.rdf.mapping import resource_to_graph
from catalog.rdf.namespaces import DCAT, DCT, new_graph


def normalised(prop: profile.Prop, value):
    if prop.kind == "texts" or prop.kind.startswith("concepts:"):
        return sorted(value or [])
    return value if value not in ("", None) else None


def test_every_demo_resource_round_trips_through_the_profile(shared_demo):
    with shared_demo.app_context():
        vocab = shared_demo.extensions["vocab"]
        resources = db.session.execute(db.select(Resource).order_by(Resource.id)).scalars().all()
        checked = 0
        for resource in resources:
            graph = Graph().parse(
                data=resource_to_graph(resource, new_graph()).serialize(format="nt"), format="nt"
            )
            record = profile.read(graph, URIRef(urls.resource_uri(resource.slug)), vocab)
            for prop in profile.DATASET:
                published = normalised(prop, prop.value(resource))
                assert normalised(prop, record[prop.field]) == published, (
                    resource.slug,
                    prop.field,
                )
                checked += published is not None and published != []
        # the declared fields are really filled in the demo, not vacuously equal
        assert len(resources) >= 60 and checked > 10 * len(resources)


def test_reading_prefers_spanish_and_ignores_what_it_does_not_know(shared_demo):
    with shared_demo.app_context():
        vocab = shared_demo.extensions["vocab"]
        s = URIRef("https://otro.portal.example/dataset/1")
        g = Graph()
        g.add((s, DCT.title, Literal("Budget execution", lang="en")))
        g.add((s, DCT.title, Literal("Ejecución presupuestal", lang="es")))
        g.add((s, DCT.issued, Literal("2024-03-01", datatype=URIRef(str(DCT.date)))))
        g.add((s, DCT.accessRights, URIRef("http://example.org/no-es-un-concepto")))
        g.add((s, DCAT.keyword, Literal("presupuesto", lang="es")))
        g.add((s, DCAT.keyword, Literal("hacienda", lang="es")))
        record = profile.read(g, s, vocab)
    assert record["title"] == "Ejecución presupuestal"
    assert record["issued"] == date(2024, 3, 1)
    assert record["access_rights"] is None  # not one of our concepts: left for the reviewer
    assert sorted(record["keywords"]) == ["hacienda", "presupuesto"]
    assert record["description"] is None and record["languages"] == []


def test_a_new_field_is_one_declaration(shared_demo):
    """Generic code writes and reads any declared field: a field added in a test is one entry."""
    extra = profile.Prop("support_medium", (DCT.medium,), "text")
    props = (*profile.DATASET, extra)
    fields = {p.field: None for p in profile.DATASET}
    fields.update(title="Guía", keyword_list=[], languages=[], support_medium="Digital")
    record = SimpleNamespace(**fields)
    with shared_demo.app_context():
        vocab = shared_demo.extensions["vocab"]
        g, s = Graph(), URIRef("http://catalogo.test/id/recurso/guia")
        profile.write(g, s, record, vocab, props)
        assert (s, DCT.medium, Literal("Digital", lang="es")) in g
        back = profile.read(g, s, vocab, props)
    assert back["support_medium"] == "Digital" and back["title"] == "Guía"
