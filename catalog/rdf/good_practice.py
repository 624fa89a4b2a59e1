"""A good practice's form (4202000-FT-1311) in DCAT and as a plain summary.

The RDF uses standard properties where they exist and the catalog's own `cgp:` terms for the
rest; data.json and the CKAN extras read the same summary. Personal data follows the registry
(catalog/registry.py COLLABORATOR): only people the publisher marked public, never a phone.
"""

from __future__ import annotations

from datetime import date, datetime

from rdflib import Graph, Literal, URIRef

from ..models import GoodPractice, Resource
from ..models.good_practice import GOOD_PRACTICE_TYPES
from ..registry import COLLABORATOR, public_parts
from ..text import strip_unsafe
from .namespaces import CGP, DCT, FOAF, RDF, RDFS, XSD


def _lit(value: str, lang: str | None = "es") -> Literal:
    return Literal(strip_unsafe(value), lang=lang)


def _date(value: date | datetime) -> Literal:
    if isinstance(value, datetime):
        return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
    return Literal(value.isoformat(), datatype=XSD.date)


# the good-practice form's free-text and list fields → their term in the cgp: vocabulary (the
# RDF, data.json and CKAN extras all read these two tables)
GP_TEXT = (
    ("unitHead", "unit_head"),
    ("managementProcess", "process"),
    ("adaptedFrom", "adapted_from"),
    ("baseline", "baseline"),
    ("developmentTime", "development_time"),
    ("contribution", "contribution"),
    ("dissemination", "dissemination"),
    ("otherAspects", "other_aspects"),
    ("stabilityChanges", "stability_changes"),
    ("implementationPeriod", "implementation_period"),
    ("continuityMeans", "continuity_means"),
    ("elementsToKeep", "elements_to_keep"),
)
GP_LISTS = (
    ("objective", "objectives"),
    ("result", "results"),
    ("disseminationMedium", "dissemination_media"),
    ("challenge", "challenges"),
    ("conclusion", "conclusions"),
)


def _filled(values: list[str] | None) -> list[str]:
    """The list's non-blank entries."""
    return [v for v in values or [] if v and v.strip()]


PERSON_KEYS = {"name": "name", "link_type": "linkType", "email": "email"}  # summary keys


def good_practice_summary(resource: Resource) -> dict[str, object]:
    """The good-practice form as plain values keyed by the vocabulary's term names (data.json
    properties, CKAN extras `cgp:<name>`): the same fields and personal-data rules as the RDF."""
    practice = resource.good_practice if resource.type in GOOD_PRACTICE_TYPES else None
    if practice is None:
        return {}
    out: dict[str, object] = {
        "formDate": practice.form_date.isoformat() if practice.form_date else None,
        "mipgPolicy": practice.mipg_policy,
        "team": practice.team,
        "startDate": practice.start_date.isoformat() if practice.start_date else None,
        "isAdaptation": bool(practice.is_adaptation),
        "audience": _filled(practice.target_population),
        **{term: getattr(practice, attribute) for term, attribute in GP_TEXT},
        **{term: _filled(getattr(practice, attribute)) for term, attribute in GP_LISTS},
        "benefit": [
            {"benefit": b["benefit"], **({"forWhom": b["for_whom"]} if b.get("for_whom") else {})}
            for b in practice.benefits or []
            if (b or {}).get("benefit")
        ],
        # Ley 1581: only the people the publisher marked public, only their public parts
        "contributor": [
            {PERSON_KEYS[k]: v for k, v in parts.items() if v}
            for c in practice.collaborators
            if c.show_publicly and c.name
            for parts in [public_parts(COLLABORATOR, c, allowed=True)]
        ],
    }
    return {
        key: value
        for key, value in out.items()
        if value is not None and value != [] and not (isinstance(value, str) and not value.strip())
    }


def add_good_practice(g: Graph, s: URIRef, practice: GoodPractice) -> None:
    """The district form's sections (4202000-FT-1311): standard properties where they exist
    (dct:audience, dct:contributor; the MIPG policy is a dcat:theme and the start date the
    temporal coverage, above), the rest in the catalog's own vocabulary (vocab/ontology).
    Personal data as on the page: only collaborators marked public, never a phone."""
    if practice.form_date:
        g.add((s, CGP.formDate, _date(practice.form_date)))
    for term, attribute in GP_TEXT:
        value = getattr(practice, attribute)
        if value and value.strip():
            g.add((s, CGP[term], _lit(value)))
    g.add((s, CGP.isAdaptation, Literal(bool(practice.is_adaptation))))
    for term, attribute in GP_LISTS:
        for value in _filled(getattr(practice, attribute)):
            g.add((s, CGP[term], _lit(value)))
    for n, audience in enumerate(practice.target_population or [], 1):
        if audience and audience.strip():
            node = URIRef(f"{s}#publico-{n}")
            g.add((s, DCT.audience, node))
            g.add((node, RDF.type, DCT.AgentClass))
            g.add((node, RDFS.label, _lit(audience)))
    for n, benefit in enumerate(practice.benefits or [], 1):
        text = (benefit or {}).get("benefit") or ""
        if not text.strip():
            continue
        node = URIRef(f"{s}#beneficio-{n}")
        g.add((s, CGP.benefit, node))
        g.add((node, RDF.type, CGP.Benefit))
        g.add((node, RDFS.label, _lit(text)))
        if (benefit.get("for_whom") or "").strip():
            g.add((node, CGP.beneficiary, _lit(benefit["for_whom"])))
    if practice.team and practice.team.strip():
        team = URIRef(f"{s}#equipo")
        g.add((s, DCT.contributor, team))
        g.add((team, RDF.type, FOAF.Group))
        g.add((team, FOAF.name, _lit(practice.team)))
    people = [
        public_parts(COLLABORATOR, c, allowed=True)
        for c in practice.collaborators
        if c.show_publicly and c.name
    ]
    for n, person in enumerate(people, 1):
        node = URIRef(f"{s}#colaborador-{n}")
        g.add((s, DCT.contributor, node))
        g.add((node, RDF.type, FOAF.Person))
        g.add((node, FOAF.name, Literal(strip_unsafe(person["name"]))))
        if person.get("email"):
            g.add((node, FOAF.mbox, URIRef(f"mailto:{person['email']}")))
        if person.get("link_type"):
            g.add((node, CGP.linkType, _lit(person["link_type"])))
