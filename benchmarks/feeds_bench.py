"""How long the site-wide feed (50 entries) takes with a large catalog.

    python -m benchmarks.feeds_bench [N]      (default N = 100000)

Prints the median and percentiles over repeated requests; the target is under 20 ms median.
"""

from __future__ import annotations

import statistics
import time

from .data import arguments, make_app, populate


def main() -> None:
    args, database = arguments()
    total = int(args[0]) if args else 100_000
    app, _ = make_app(database)
    seconds = populate(app, total)
    print(f"catalog: {total} resources (built in {seconds:.1f} s)")
    client = app.test_client()
    from catalog.feeds import build, views

    def timed(path: str, headers: dict | None = None, cold: bool = False) -> list[float]:
        out = []
        for _ in range(30):
            if cold:  # nothing memoised: every request queries and renders from scratch
                views._rendered.clear()
                build.plain_summary.cache_clear()
            start = time.perf_counter()
            response = client.get(path, headers=headers or {})
            out.append((time.perf_counter() - start) * 1000)
            assert response.status_code in (200, 304)
        return out

    print(f"{'feed':40s} {'cold median':>12s} {'warm median':>12s} {'304 median':>11s}  target")
    for path in (
        "/feeds/recursos.rss",
        "/feeds/recursos.atom",
        "/feeds/tipo/norma.atom",
        "/feeds/entidad/secretaria-general.rss",
    ):
        etag = client.get(path).headers["ETag"]
        cold = statistics.median(timed(path, cold=True))
        warm = statistics.median(timed(path))
        not_modified = statistics.median(timed(path, {"If-None-Match": etag}))
        verdict = "OK" if cold < 20 else "SLOW"  # judged on the cold build, not the cache
        print(
            f"{path:40s} {cold:9.1f} ms {warm:9.1f} ms {not_modified:8.1f} ms  "
            f"cold {verdict} ({cold / 20:.2f}× of 20 ms), warm {warm / 20:.2f}×"
        )


if __name__ == "__main__":
    main()
