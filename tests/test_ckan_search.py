"""package_search as CKAN clients query it: Lucene/Solr `q` and `fq`, CKAN's sort and errors.

The first tests replay what ckanext-harvest 1.6's CKAN harvester sends (its gather stage and
`_search_for_datasets`: rows=100, start paging, ``sort=id asc``, the include/exclude filters
joined by spaces, the incremental ``metadata_modified`` range) over real HTTP, and check the
datasets it would gather against the catalog's own package list.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import text

from catalog.extensions import db
from catalog.services.actors import Actor
from catalog.services.resources import get_resource, update_resource

from .live import serve

SEARCH = "/api/3/action/package_search"


def harvester_gather(base: str, fq_terms: list[str]) -> tuple[list[dict], list[str]]:
    """The harvester's paging loop, as its code does it: (datasets, URLs requested)."""
    params = {"rows": "100", "start": "0", "sort": "id asc"}
    if fq_terms:
        params["fq"] = " ".join(fq_terms)
    found, ids, asked, previous = [], set(), [], None
    while True:
        url = base + SEARCH + "?" + urlencode(params)
        asked.append(url)
        response = requests.get(url, timeout=30)
        assert response.status_code == 200, (url, response.text[:300])
        assert response.content != previous, "paging does not move"
        previous = response.content
        page = response.json()["result"]["results"]
        found += [p for p in page if p["id"] not in ids]
        ids |= {p["id"] for p in page}
        if not page:
            return found, asked
        params["start"] = str(int(params["start"]) + int(params["rows"]))


def harvester_terms(config: dict, since: datetime.datetime | None = None) -> list[str]:
    """The fq terms the harvester builds from its source configuration."""
    terms = []
    if config.get("organizations_filter_include"):
        terms.append(
            " OR ".join(f"organization:{o}" for o in config["organizations_filter_include"])
        )
    elif config.get("organizations_filter_exclude"):
        terms += [f"-organization:{o}" for o in config["organizations_filter_exclude"]]
    if config.get("groups_filter_include"):
        terms.append(" OR ".join(f"groups:{g}" for g in config["groups_filter_include"]))
    elif config.get("groups_filter_exclude"):
        terms += [f"-groups:{g}" for g in config["groups_filter_exclude"]]
    if since is not None:  # gather_started of the last good job, less an hour, naive UTC + Z
        terms.append(
            f"metadata_modified:[{(since - datetime.timedelta(hours=1)).isoformat()}Z TO *]"
        )
    return terms


@pytest.fixture
def live(demo_app):
    demo_app.config.update(SERVER_NAME=None)
    with serve(demo_app) as base:
        everything = requests.get(base + SEARCH, params={"rows": 1000}, timeout=30).json()
        yield base, everything["result"]["results"]


def names(packages) -> set[str]:
    return {p["name"] for p in packages}


def org(p) -> str:
    return p["organization"]["name"]


def groups(p) -> set[str]:
    return {g["name"] for g in p["groups"]}


def test_the_harvester_gathers_everything_in_id_order(live):
    base, every = live
    found, asked = harvester_gather(base, [])
    assert names(found) == names(every) and len(found) == 60
    assert [p["id"] for p in found] == sorted(p["id"] for p in found)  # sort=id asc
    assert len(asked) == 2 and "sort=id+asc" in asked[0] and "start=100" in asked[1]


def test_the_harvester_organisation_filters(live):
    base, every = live
    include = ["secretaria-general", "servicio-civil"]
    found, asked = harvester_gather(
        base, harvester_terms({"organizations_filter_include": include})
    )
    assert "fq=organization%3Asecretaria-general+OR+organization%3Aservicio-civil" in asked[0]
    expected = {p["name"] for p in every if org(p) in include}
    assert names(found) == expected and 0 < len(expected) < len(every)
    found, _ = harvester_gather(base, harvester_terms({"organizations_filter_exclude": include}))
    assert names(found) == {p["name"] for p in every if org(p) not in include}
    assert len(found) == len(every) - len(expected)


def test_the_harvester_group_filters_combined_with_organisations(live):
    base, every = live
    group_counts: dict[str, int] = {}
    for p in every:
        for g in groups(p):
            group_counts[g] = group_counts.get(g, 0) + 1
    two = sorted(group_counts, key=lambda g: -group_counts[g])[:2]
    config = {"organizations_filter_exclude": ["secretaria-general"], "groups_filter_include": two}
    found, _ = harvester_gather(base, harvester_terms(config))
    expected = {p["name"] for p in every if org(p) != "secretaria-general" and groups(p) & set(two)}
    assert expected and names(found) == expected
    config = {"groups_filter_exclude": two}
    found, _ = harvester_gather(base, harvester_terms(config))
    assert names(found) == {p["name"] for p in every if not groups(p) & set(two)}


def test_the_harvester_incremental_run_gets_what_changed_since(live, demo_app):
    base, every = live
    with demo_app.app_context():  # everything last changed long ago…
        db.session.execute(text("UPDATE resource SET updated_at = '2026-01-05 10:00:00.000000'"))
        db.session.commit()
        last_gather = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        # …but three resources, edited after the last harvest (two of the Secretaría General)
        changed = [p["name"] for p in every if org(p) == "secretaria-general"][:2]
        changed += [p["name"] for p in every if org(p) == "servicio-civil"][:1]
        for slug in changed:
            update_resource(
                get_resource(slug), {"version_label": "9.9"}, Actor.system(), partial=True
            )
    found, asked = harvester_gather(base, harvester_terms({}, since=last_gather))
    assert "metadata_modified%3A%5B" in asked[0]
    assert names(found) == set(changed)
    config = {"organizations_filter_include": ["secretaria-general"]}
    found, _ = harvester_gather(base, harvester_terms(config, since=last_gather))
    assert names(found) == set(changed[:2])
    # nothing changed after: the harvester's "no datasets updated" answer
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(hours=2)
    found, _ = harvester_gather(base, harvester_terms({}, since=later))
    assert found == []


def search(client, **params):
    response = client.get(SEARCH, query_string=params)
    return response.status_code, response.get_json()


def count(client, **params) -> int:
    status, body = search(client, rows=0, **params)
    assert status == 200, body
    return body["result"]["count"]


def test_lucene_syntax_in_fq_and_q(shared_demo):
    client = shared_demo.test_client()
    status, body = search(client, rows=1000)
    every = body["result"]["results"]
    total = len(every)
    sg = sum(org(p) == "secretaria-general" for p in every)
    # CKAN's schema fields every record here satisfies, answered as CKAN would
    assert count(client, fq="+dataset_type:dataset") == total
    assert count(client, fq="+state:active +private:false capacity:public") == total
    assert count(client, fq="dataset_type:harvest") == 0
    assert count(client, fq="-organization:secretaria-general") == total - sg
    assert count(client, fq="NOT organization:secretaria-general") == total - sg
    civil = sum(org(p) == "servicio-civil" for p in every)
    assert count(client, fq="organization:(secretaria-general OR servicio-civil)") == sg + civil
    assert count(client, fq="organization:secretaria-general OR organization:servicio-civil") == (
        sg + civil
    )
    # a phrase is one tag, folded as the catalog stores tags
    tagged = {p["name"] for p in every if "Bogotá Te Escucha" in {t["name"] for t in p["tags"]}}
    assert len(tagged) == 3
    assert count(client, fq='tags:"Bogotá Te Escucha"') == 3
    assert count(client, fq='tags:"bogota te escucha"') == 3
    assert count(client, fq="tags:Bogotá") == 0  # a word is not the phrase
    # wildcards on the fields kept as names
    secretarias = {p["name"] for p in every if org(p).startswith("secretaria-")}
    assert count(client, fq="organization:secretaria-*") == len(secretarias)
    # parentheses, AND binding tighter than OR, ranges, q with fields
    csv = {p["name"] for p in every if any(r["format"] == "CSV" for r in p["resources"])}
    both = {p["name"] for p in every if p["name"] in csv and org(p) == "secretaria-general"}
    assert count(client, fq="organization:secretaria-general AND res_format:CSV") == len(both)
    assert count(client, q="organization:secretaria-general AND res_format:csv") == len(both)
    assert count(client, fq="metadata_modified:[* TO NOW]") == total
    assert count(client, fq="metadata_modified:[NOW-1DAY TO *]") == total
    assert count(client, fq="metadata_created:[2999-01-01T00:00:00Z TO *]") == 0
    assert count(client, fq="*:*") == total
    # free text: every word, OR between words, a phrase
    assert count(client, q="gestión documental") <= count(client, q="gestión")
    assert count(client, q="gestión OR documental") >= count(client, q="gestión")
    assert count(client, q='"gestión documental"') <= count(client, q="gestión documental")


def test_sort_as_ckan_sorts(shared_demo):
    client = shared_demo.test_client()
    for sort, key, reverse in (
        ("id asc", "id", False),
        ("name desc", "name", True),
        ("metadata_modified asc, id asc", "metadata_modified", False),
    ):
        status, body = search(client, rows=1000, sort=sort)
        assert status == 200, body
        values = [p[key] for p in body["result"]["results"]]
        assert values == sorted(values, reverse=reverse), sort
    status, body = search(client, rows=1000, sort="score desc, metadata_modified desc")
    assert status == 200


@pytest.mark.parametrize(
    ("params", "kind", "named"),
    [
        ({"fq": "nonexistent_field:x"}, "Search Query Error", "nonexistent_field"),
        ({"q": "autor:ana"}, "Search Query Error", "autor"),
        ({"fq": "organization:(a OR"}, "Search Query Error", "fq"),
        ({"fq": "metadata_modified:[ayer TO *]"}, "Search Query Error", "ayer"),
        ({"fq": "organization:[a TO b]"}, "Search Query Error", "organization"),
        ({"sort": "popularidad desc"}, "Validation Error", "popularidad"),
        ({"sort": "id sideways"}, "Validation Error", "id sideways"),
    ],
)
def test_what_ckan_refuses_is_a_409_naming_it(shared_demo, params, kind, named):
    status, body = search(shared_demo.test_client(), **params)
    assert status == 409
    assert body["success"] is False and body["error"]["__type"] == kind
    assert named in body["error"]["message"]


def test_plain_words_that_are_not_lucene_still_search(shared_demo):
    client = shared_demo.test_client()
    for q in ("(gestión", "gestión)", "AND", "gestión [", "%", "_"):
        status, body = search(client, q=q, rows=0)
        assert status == 200, (q, body)
    everything = count(client)
    assert count(client, q="%") < everything and count(client, q="_") < everything
