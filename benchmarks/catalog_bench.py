"""Harvest speed: full dumps and catalog pages from stored fragments vs. the simple approach.

    python -m benchmarks.catalog_bench [N] [SUBSET]     (defaults: 100000 and 10000)

The simple approach builds one rdflib graph of SUBSET resources with the same mapping and
serialises it. Ours streams the whole N-resource catalog by concatenating stored fragments.
Ratios compare throughput (resources per second), timed with nothing else running (no
tracemalloc: it slows rdflib's many small objects far more than our streaming). Memory is
measured apart: each side runs again in a forked child process and reports its peak resident
set size (`getrusage(RUSAGE_SELF).ru_maxrss`) and how much it grew over the child's RSS at
start, i.e. what producing the response really cost the process.
"""

from __future__ import annotations

import os
import resource
import statistics
import time

from .data import arguments, make_app, populate

FORMATS = ("nt", "ttl", "jsonld", "rdf")


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss(work, app=None) -> tuple[float, float]:
    """(peak RSS MB, growth MB) of running `work()` in a forked child process (which opens
    its own database connections: SQLite's must not cross a fork)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report, leave without cleanup
        os.close(read)
        if app is not None:
            from catalog.extensions import db

            with app.app_context():
                db.engine.dispose(close=False)
        before = _rss_mb()
        work()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        os.write(write, f"{peak} {before}".encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as handle:
        peak, before = map(float, handle.read().split())
    os.waitpid(pid, 0)
    return peak, peak - before


def simple_approach(app, subset: int) -> dict[str, tuple[float, float]]:
    """{ext: (seconds, peak RSS growth MB)} to build one rdflib graph of `subset` resources
    and serialise it."""
    from catalog.extensions import db
    from catalog.models import Resource
    from catalog.rdf.catalog_node import add_catalog
    from catalog.rdf.formats import serialize
    from catalog.rdf.mapping import DcatMapper, resources_to_graph
    from catalog.rdf.namespaces import new_graph

    out = {}
    with app.test_request_context("/catalog.ttl"):

        def build(ext: str) -> None:
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
            add_catalog(DcatMapper(), g, modified=None)
            serialize(g, ext)
            db.session.expunge_all()

        for ext in FORMATS:
            start = time.perf_counter()
            build(ext)
            seconds = time.perf_counter() - start
            peak, grown = peak_rss(lambda ext=ext: build(ext), app)
            out[ext] = (seconds, grown)
            print(
                f"  simple approach {ext:6s} {subset} resources: {seconds:7.1f} s, "
                f"peak RSS {peak:6.0f} MB (+{grown:.0f} MB)",
                flush=True,
            )
    return out


def _stream(client, ext: str) -> int:
    response = client.get(f"/catalog.{ext}?page_size=all")
    size = 0
    for chunk in response.response:
        size += len(chunk)
    response.close()
    return size


def dump(client, ext: str) -> tuple[float, float, float, int]:
    """(seconds, peak RSS MB, RSS growth MB, bytes) of one full streamed dump."""
    start = time.perf_counter()
    size = _stream(client, ext)
    seconds = time.perf_counter() - start
    peak, grown = peak_rss(lambda: _stream(client, ext), client.application)
    return seconds, peak, grown, size


def main() -> None:
    args, database = arguments()
    total = int(args[0]) if args else 100_000
    subset = int(args[1]) if len(args) > 1 else 10_000
    app, _ = make_app(database)
    built = populate(app, total)
    print(f"catalog: {total} published resources (generated in {built:.0f} s)\n", flush=True)
    print(f"Simple approach on a {subset}-resource subset:")
    simple = simple_approach(app, subset)
    client = app.test_client()
    print(f"\nStreamed dumps of all {total} resources:")
    print(
        f"{'format':8s}{'seconds':>9s}{'res/s':>10s}{'RSS MB':>8s}{'(+MB)':>7s}{'MB out':>8s}"
        f"{'simple res/s':>14s}{'(+MB)':>7s}{'ratio':>8s}  target ≥ 50×"
    )
    for ext in FORMATS:
        seconds, peak, grown, size = dump(client, ext)
        ours = total / seconds
        theirs = subset / simple[ext][0]
        ratio = ours / theirs
        print(
            f"{ext:8s}{seconds:9.1f}{ours:10.0f}{peak:8.0f}{grown:7.0f}{size / 2**20:8.0f}"
            f"{theirs:14.0f}{simple[ext][1]:7.0f}{ratio:7.0f}×  "
            f"{'OK' if ratio >= 50 else 'BELOW'}",
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
