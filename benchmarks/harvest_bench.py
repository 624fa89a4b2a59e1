"""Harvest speed: a live instance holding N resources, harvested through each kind.

    python -m benchmarks.harvest_bench [N]      (default 1000)

For each kind (dcat, ckan, datajson) a fresh, empty catalog harvests the live source twice:
the first run creates every record, the second finds them unchanged (a complete run, which is
what detects deletions). Each pair runs in a fresh Python process whose own peak RSS (VmHWM,
never tracemalloc) is reported. Prints records/s side by side.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from urllib.parse import urlsplit

from .data import make_app, populate

KINDS = {"dcat": "/catalog.nt?page_size=1000", "ckan": "/", "datajson": "/data.json"}


def _peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM of its memory map). Not ru_maxrss: Linux carries
    that across exec from the parent, which here holds the whole source catalog."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(source_url: str, kind: str) -> None:
    from flask_migrate import upgrade

    from catalog.extensions import db
    from catalog.federation import sync
    from catalog.models import HarvestSource, Publisher

    target, _ = make_app()
    target.config["CATALOG_BASE_URI"] = "http://destino.test"
    target.config["CATALOG_FETCH_ALLOW_HOSTS"] = urlsplit(source_url).netloc
    with target.app_context():
        upgrade(revision="heads")
        db.session.add(Publisher(slug="fuente", name="Entidad de la fuente"))
        db.session.commit()
        source = sync.add_source("bench", "fuente", kind, source_url + KINDS[kind])
        times, counts = [], []
        for _ in range(2):
            started = time.perf_counter()
            report = sync.run(db.session.get(HarvestSource, source.id))
            times.append(time.perf_counter() - started)
            counts.append(report.counts)
    peak = _peak_rss_mb()
    line = (
        f"{times[0]} {times[1]} {counts[0]['created']} {counts[1]['unchanged']} "
        f"{counts[0]['seen']} {peak}"
    )
    print(line)


def main() -> None:
    from catalog.extensions import db
    from catalog.publishing import publish
    from tests.live import serve

    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[3], sys.argv[2])
        return
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    source, _ = make_app()
    populate(source, total)
    with serve(source) as url:
        source.config["CATALOG_BASE_URI"] = url
        with source.app_context():
            from catalog.models import Resource

            for row in db.session.execute(db.select(Resource)).scalars():
                publish(row)
            db.session.commit()
            db.engine.dispose()
        print(f"source: {total} resources at {url}")
        print(f"{'kind':<9} {'records':>7} {'new/s':>8} {'unchanged/s':>12} {'peak RSS MB':>12}")
        for kind in KINDS:
            child = subprocess.run(
                [sys.executable, "-m", "benchmarks.harvest_bench", "--child", kind, url],
                capture_output=True,
                text=True,
                check=True,
            )
            data = child.stdout.strip().splitlines()[-1].split()
            first, second, created, unchanged, seen, peak = map(float, data)
            print(
                f"{kind:<9} {int(seen):>7} {created / first:>8.1f} {unchanged / second:>12.1f} "
                f"{peak:>12.0f}"
            )


if __name__ == "__main__":
    main()
