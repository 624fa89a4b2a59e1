"""Search and page speed with a large catalog.

    python -m benchmarks.search_bench [N]      (default N = 100000)

Targets (issue #5): search with all facet counts under 50 ms median on SQLite; resource page
under 15 ms median.
"""

from __future__ import annotations

import statistics
import sys
import time

from .data import make_app, populate


def median_ms(client, path: str, repeat: int = 20) -> tuple[float, float]:
    client.get(path)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, path
    return statistics.median(times), statistics.quantiles(times, n=10)[-1]


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app, _ = make_app()
    seconds = populate(app, total)
    print(f"catalog: {total} resources (generated in {seconds:.0f} s)")
    client = app.test_client()
    cases = [
        ("search, common word + all facets", "/buscar?q=gestion", 50),
        ("search, two words", "/buscar?q=gestion+documental", 50),
        ("search, rare word", "/buscar?q=ciclovia", 50),
        ("search, two facets, no words", "/buscar?tipo=guia&entidad=secretaria-general", 50),
        ("search, everything (no query)", "/buscar", 50),
        ("resource page", "/recurso/decreto-847-2019-servicio-ciudadania", 15),
        ("home page", "/", 50),
    ]
    print(f"{'case':36s}{'median':>9s}{'p90':>9s}  target")
    for name, path, target in cases:
        median, p90 = median_ms(client, path)
        verdict = "OK" if median < target else "SLOW"
        print(
            f"{name:36s}{median:7.1f} ms{p90:7.1f} ms  < {target} ms: {verdict} "
            f"({median / target:.2f}×)"
        )


if __name__ == "__main__":
    main()
