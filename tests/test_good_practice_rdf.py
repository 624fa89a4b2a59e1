"""A good practice's form reaches every machine output, with the page's personal-data rules."""

from __future__ import annotations

import json

import feedparser
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, Namespace

from .conftest import make_token

DCAT = Namespace("http://www.w3.org/ns/dcat#")
CGP = Namespace("https://catalogo.bogota.gov.co/def/ns#")
POLICY = "https://catalogo.bogota.gov.co/def/mipg/integridad"
PUBLIC_PERSON = ("Marta Lucía Prieto", "mprieto@example.gov.co", "3001234567")
PRIVATE_PERSON = ("Jorge Oculto Ramírez", "joculto@example.gov.co", "3119876543")

FORM = {
    "form_date": "2026-03-10",
    "unit_head": "Directora de Desarrollo Institucional",
    "process": "Direccionamiento estratégico",
    "mipg_policy": POLICY,
    "team": "Equipo de integridad",
    "start_date": "2025-02-01",
    "is_adaptation": True,
    "adapted_from": "Código de integridad del DAFP",
    "baseline": "Sin **línea base** de riesgos.",
    "target_population": ["Servidores de la entidad", "Contratistas"],
    "objectives": ["Reducir riesgos de corrupción.", "Formar gestores de integridad."],
    "development_time": "Ocho meses",
    "contribution": "Mejoró la percepción de integridad.",
    "results": ["120 gestores formados."],
    "benefits": [{"benefit": "Menos quejas", "for_whom": "Ciudadanía"}],
    "dissemination": "Boletines internos.",
    "dissemination_media": ["Intranet", "Correo"],
    "other_aspects": "Ninguno.",
    "challenges": ["Rotación de personal."],
    "stability_changes": "Incluirla en el plan anual.",
    "implementation_period": "2025–2026",
    "continuity_means": "Presupuesto propio.",
    "elements_to_keep": "Los gestores.",
    "conclusions": ["Funciona cuando la dirección la respalda."],
    "collaborators": [
        {
            "name": PUBLIC_PERSON[0],
            "email": PUBLIC_PERSON[1],
            "phone": PUBLIC_PERSON[2],
            "link_type": "Planta",
            "show_publicly": True,
        },
        {
            "name": PRIVATE_PERSON[0],
            "email": PRIVATE_PERSON[1],
            "phone": PRIVATE_PERSON[2],
            "link_type": "Contrato",
            "show_publicly": False,
        },
    ],
}


def _publish(app) -> tuple[str, object]:
    token = make_token(app, "secretaria-general")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "title": "Gestores de integridad en la Secretaría General",
        "description": "Una red de gestores de integridad.",
        "type": "buena-practica",
        "publisher": "secretaria-general",
        "keywords": ["integridad"],
        "good_practice": FORM,
    }
    created = client.post("/api/v1/resources", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    slug = created.get_json()["slug"]
    assert client.post(f"/api/v1/resources/{slug}/publish", headers=headers).status_code == 200
    return slug, client


def _assert_no_private_data(text: str, where: str) -> None:
    for secret in (*PRIVATE_PERSON, PUBLIC_PERSON[2]):
        assert secret not in text, f"{secret} in {where}"


def test_every_section_reaches_the_rdf_in_every_format(demo_app):
    slug, client = _publish(demo_app)
    s = URIRef(f"http://catalogo.test/id/recurso/{slug}")
    graphs = {}
    for ext, fmt in (("ttl", "turtle"), ("nt", "nt"), ("rdf", "xml"), ("jsonld", "json-ld")):
        body = client.get(f"/recurso/{slug}.{ext}").get_data(as_text=True)
        _assert_no_private_data(body, ext)
        graphs[ext] = Graph().parse(data=body, format=fmt)
    g = graphs["ttl"]
    from rdflib.compare import isomorphic

    assert all(isomorphic(g, other) for other in graphs.values())

    def one(prop):
        values = list(g.objects(s, prop))
        assert len(values) == 1, (prop, values)
        return values[0]

    assert URIRef(POLICY) in set(g.objects(s, DCAT.theme))
    assert str(one(CGP.formDate)) == "2026-03-10"
    period = one(DCTERMS.temporal)
    assert str(next(g.objects(period, DCAT.startDate))) == "2025-02-01"
    assert one(CGP.unitHead) == Literal("Directora de Desarrollo Institucional", lang="es")
    assert str(one(CGP.managementProcess)) == "Direccionamiento estratégico"
    assert one(CGP.isAdaptation).toPython() is True
    assert str(one(CGP.adaptedFrom)) == "Código de integridad del DAFP"
    assert str(one(CGP.baseline)) == "Sin **línea base** de riesgos."
    assert {str(o) for o in g.objects(s, CGP.objective)} == set(FORM["objectives"])
    assert {str(o) for o in g.objects(s, CGP.result)} == set(FORM["results"])
    assert {str(o) for o in g.objects(s, CGP.challenge)} == set(FORM["challenges"])
    assert {str(o) for o in g.objects(s, CGP.conclusion)} == set(FORM["conclusions"])
    assert {str(o) for o in g.objects(s, CGP.disseminationMedium)} == {"Intranet", "Correo"}
    for prop, field in (
        (CGP.developmentTime, "development_time"),
        (CGP.contribution, "contribution"),
        (CGP.dissemination, "dissemination"),
        (CGP.otherAspects, "other_aspects"),
        (CGP.stabilityChanges, "stability_changes"),
        (CGP.implementationPeriod, "implementation_period"),
        (CGP.continuityMeans, "continuity_means"),
        (CGP.elementsToKeep, "elements_to_keep"),
    ):
        assert str(one(prop)) == FORM[field], prop
    audiences = list(g.objects(s, DCTERMS.audience))
    assert {str(next(g.objects(a, RDFS.label))) for a in audiences} == set(
        FORM["target_population"]
    )
    assert all((a, RDF.type, DCTERMS.AgentClass) in g for a in audiences)
    benefit = one(CGP.benefit)
    assert (benefit, RDF.type, CGP.Benefit) in g
    assert str(next(g.objects(benefit, RDFS.label))) == "Menos quejas"
    assert str(next(g.objects(benefit, CGP.beneficiary))) == "Ciudadanía"
    contributors = list(g.objects(s, DCTERMS.contributor))
    teams = [c for c in contributors if (c, RDF.type, FOAF.Group) in g]
    people = [c for c in contributors if (c, RDF.type, FOAF.Person) in g]
    assert [str(next(g.objects(t, FOAF.name))) for t in teams] == ["Equipo de integridad"]
    assert [str(next(g.objects(p, FOAF.name))) for p in people] == [PUBLIC_PERSON[0]]
    assert list(g.objects(people[0], FOAF.mbox)) == [URIRef(f"mailto:{PUBLIC_PERSON[1]}")]
    assert str(next(g.objects(people[0], CGP.linkType))) == "Planta"


def test_feeds_data_json_and_ckan_carry_the_form_without_private_data(demo_app):
    slug, client = _publish(demo_app)
    for path in (
        "/feeds/recursos.atom",
        "/feeds/recursos.rss",
        "/data.json",
        "/catalog.ttl?page_size=all",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_no_private_data(response.get_data(as_text=True), path)
    data = client.get("/data.json").get_json()
    entry = next(d for d in data["dataset"] if d["identifier"].endswith(f"/{slug}"))
    practice = entry["goodPractice"]
    assert practice["@context"] == {"@vocab": str(CGP)}
    assert practice["mipgPolicy"] == POLICY and practice["startDate"] == "2025-02-01"
    assert practice["objective"] == FORM["objectives"]
    assert practice["audience"] == FORM["target_population"]
    assert practice["contributor"] == [
        {"name": PUBLIC_PERSON[0], "linkType": "Planta", "email": PUBLIC_PERSON[1]}
    ]
    package = client.get(f"/api/3/action/package_show?id={slug}").get_json()["result"]
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["cgp:managementProcess"] == "Direccionamiento estratégico"
    assert extras["cgp:isAdaptation"] == "true"
    assert json.loads(extras["cgp:result"]) == FORM["results"]
    assert json.loads(extras["cgp:contributor"])[0]["name"] == PUBLIC_PERSON[0]
    _assert_no_private_data(json.dumps(package, ensure_ascii=False), "package_show")
    # an ordinary resource has no good-practice extras
    with demo_app.app_context():
        from catalog.extensions import db
        from catalog.models import PUBLISHED, Resource

        plain = (
            db.session.execute(
                db.select(Resource.slug).where(
                    Resource.type == "conjunto-datos", Resource.status == PUBLISHED
                )
            )
            .scalars()
            .first()
        )
    shown = client.get(f"/api/3/action/package_show?id={plain}").get_json()["result"]
    assert not [e for e in shown["extras"] if e["key"].startswith("cgp:")]
    assert "goodPractice" not in next(
        d for d in data["dataset"] if d["identifier"].endswith(f"/{plain}")
    )
    assert feedparser.parse(client.get("/feeds/recursos.atom").data).entries


def test_every_cgp_term_published_is_defined_in_the_vocabulary(demo_app):
    slug, client = _publish(demo_app)
    ontology = Graph().parse(data=client.get("/def/ns.ttl").data, format="turtle")
    defined = {
        s
        for s in ontology.subjects(
            RDFS.isDefinedBy, URIRef("https://catalogo.bogota.gov.co/def/ns")
        )
    }
    for term in defined:
        labels = {lit.language for lit in ontology.objects(term, RDFS.label)}
        assert labels == {"es", "en"}, term
    assert (URIRef("https://catalogo.bogota.gov.co/def/ns"), RDF.type, OWL.Ontology) in ontology
    used = set()
    dump = Graph().parse(data=client.get("/catalog.nt?page_size=all").data, format="nt")
    vocab = Graph()
    from pathlib import Path

    for ttl in Path(demo_app.config["CATALOG_VOCAB_DIR"]).glob("*.ttl"):
        vocab.parse(ttl, format="turtle")
    for graph in (dump, vocab):
        for triple in graph:
            for node in triple:
                if isinstance(node, URIRef) and str(node).startswith(str(CGP)):
                    used.add(node)
    assert used, "the outputs use cgp: terms"
    assert used - defined == set()


def test_the_vocabulary_is_served_at_its_namespace(demo_app):
    client = demo_app.test_client()
    redirect = client.get("/def/ns", headers={"Accept": "text/turtle"})
    assert redirect.status_code == 303 and redirect.headers["Location"].endswith("/def/ns.ttl")
    assert "Accept" in redirect.headers["Vary"]
    for ext, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json")):
        response = client.get(f"/def/ns.{ext}")
        assert response.status_code == 200 and response.mimetype == media
    page = client.get("/def/ns", headers={"Accept": "text/html", "Accept-Language": "es"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "cgp:baseline" in text and "Situación inicial" in text
    english = client.get("/def/ns?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Baseline" in english
    assert client.get("/def/ns.xyz").status_code == 404


def test_render_rewrites_stale_fragments(demo_app):
    from catalog.extensions import db
    from catalog.models import ResourceFragment

    with demo_app.app_context():
        db.session.execute(db.update(ResourceFragment).values(nt=""))
        db.session.commit()
    result = demo_app.test_cli_runner().invoke(args=["render"])
    assert result.exit_code == 0 and "recursos renderizados" in result.output
    with demo_app.app_context():
        blank = db.session.execute(
            db.select(db.func.count()).where(ResourceFragment.nt == "")
        ).scalar_one()
    assert blank == 0
    body = demo_app.test_client().get("/catalog.nt?page_size=all").get_data(as_text=True)
    assert "def/ns#managementProcess" in body  # the demo's good practices, from the fragments
