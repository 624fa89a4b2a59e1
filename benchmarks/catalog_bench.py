"""Harvest speed: full dumps and catalog pages from stored fragments vs. the simple approach.

    python -m benchmarks.catalog_bench [N] [SUBSET]     (defaults: 100000 and 10000)

The simple approach builds one rdflib graph of SUBSET resources with the same mapping and
serialises it. Ours streams the whole N-resource catalog by concatenating stored fragments.
Ratios compare throughput (resources per second). Memory is the Python heap peak (tracemalloc)
while producing a response.
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc

from .data import make_app, populate

FORMATS = ("nt", "ttl", "jsonld", "rdf")


def simple_approach(app, subset: int) -> dict[str, tuple[float, float]]:
    """{ext: (seconds, peak MB)} to build one rdflib graph of `subset` resources and serialise."""
    from catalog.extensions import db
    from catalog.models import Resource
    from catalog.rdf.formats import serialize
    from catalog.rdf.mapping import DcatMapper, resources_to_graph
    from catalog.rdf.namespaces import new_graph

    out = {}
    with app.test_request_context("/catalog.ttl"):
        for ext in FORMATS:
            tracemalloc.start()
            start = time.perf_counter()
            rows = (
                db.session.execute(
                    db.select(Resource)
                    .where(Resource.status == "published")
                    .order_by(Resource.id)
                    .limit(subset)
                )
                .scalars()
                .all()
            )
            g = resources_to_graph(rows, new_graph())
            DcatMapper().add_catalog(g, modified=None)
            serialize(g, ext)
            seconds = time.perf_counter() - start
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            out[ext] = (seconds, peak / 2**20)
            db.session.expunge_all()
            print(
                f"  simple approach {ext:6s} {subset} resources: {seconds:7.1f} s, "
                f"peak {peak / 2**20:7.0f} MB",
                flush=True,
            )
    return out


def dump(client, ext: str) -> tuple[float, float, int]:
    tracemalloc.start()
    start = time.perf_counter()
    response = client.get(f"/catalog.{ext}?page_size=all")
    size = 0
    for chunk in response.response:
        size += len(chunk)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    response.close()
    return seconds, peak / 2**20, size


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    subset = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    app, _ = make_app()
    built = populate(app, total)
    print(f"catalog: {total} published resources (generated in {built:.0f} s)\n", flush=True)
    print(f"Simple approach on a {subset}-resource subset:")
    simple = simple_approach(app, subset)
    client = app.test_client()
    print(f"\nStreamed dumps of all {total} resources:")
    print(
        f"{'format':8s}{'seconds':>9s}{'res/s':>10s}{'peak MB':>9s}{'MB out':>8s}"
        f"{'simple res/s':>14s}{'ratio':>8s}  target ≥ 50×"
    )
    for ext in FORMATS:
        seconds, peak, size = dump(client, ext)
        ours = total / seconds
        theirs = subset / simple[ext][0]
        ratio = ours / theirs
        print(
            f"{ext:8s}{seconds:9.1f}{ours:10.0f}{peak:9.1f}{size / 2**20:8.0f}"
            f"{theirs:14.0f}{ratio:7.0f}×  {'OK' if ratio >= 50 else 'BELOW'}",
            flush=True,
        )
    print("\nCatalog page of 100 (median of 50 requests at different depths):")
    for ext in FORMATS:
        first = client.get(f"/catalog.{ext}")
        times = []
        url = f"/catalog.{ext}"
        for _ in range(50):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            text = response.get_data(as_text=True)
            marker = "after="
            cut = text.find(marker, text.find("next") if "next" in text else 0)
            if cut > 0:
                end = min(i for i in (text.find(c, cut) for c in '>"&\n ') if i > 0)
                url = f"/catalog.{ext}?after={text[cut + len(marker) : end]}"
        median = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(
            f"  {ext:8s} median {median:6.1f} ms  p90 {p90:6.1f} ms"
            f"  target < 10 ms: {'OK' if median < 10 else 'SLOW'}  ({first.status_code})"
        )


if __name__ == "__main__":
    main()
