"""How fast the publisher workspace answers with a large catalog.

    python -m benchmarks.workspace_bench [N]      (default N = 100000)

Signs in as an administrator of the Secretaría General (whose entity then holds about a third
of the catalog) and prints medians over repeated requests: the entity dashboard (counts, what
needs attention, one page of resources), the good-practice form, an edit form, a save through
the form (a real write: revision, fragments, search index, quality), and the history diff.
"""

from __future__ import annotations

import re
import shutil
import statistics
import time

from .data import arguments, make_app, populate

PASSWORD = "clave-de-benchmark-123"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def main() -> None:
    args, database = arguments()
    total = int(args[0]) if args else 100_000
    app, workdir = make_app(database)
    try:
        run(app, total)
    finally:
        if workdir is not None:  # the temporary catalog is several GB at 100,000 resources
            shutil.rmtree(workdir, ignore_errors=True)


def run(app, total: int) -> None:
    seconds = populate(app, total)
    print(f"catalog: {total} resources (built in {seconds:.1f} s)")
    from catalog.extensions import db
    from catalog.models import Resource
    from catalog.services.accounts import create_user

    with app.app_context():
        create_user(
            email="jefe@sg.gov.co",
            password=PASSWORD,
            publisher_slug="secretaria-general",
            role="admin",
        )
        family = db.session.execute(
            db.select(db.func.count(Resource.id)).where(
                Resource.publisher.has(slug="secretaria-general")
                | Resource.publisher.has(parent_id=1)
            )
        ).scalar_one()
        slug = db.session.execute(
            db.select(Resource.slug)
            .where(Resource.publisher.has(slug="secretaria-general"))
            .order_by(Resource.id)
            .limit(1)
        ).scalar_one()
    client = app.test_client()
    page = client.get("/publicar/ingresar")
    client.post(
        "/publicar/ingresar",
        data={"csrf_token": _csrf(page.text), "email": "jefe@sg.gov.co", "password": PASSWORD},
    )
    print(f"entity: secretaria-general with its units, about {family} resources")

    def timed(label: str, call, runs: int = 20) -> None:
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            response = call()
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code in (200, 302), (label, response.status_code)
        samples.sort()
        print(
            f"{label:44s} median {statistics.median(samples):7.1f} ms"
            f"   p90 {samples[int(len(samples) * 0.9) - 1]:7.1f} ms"
        )

    timed("GET entity dashboard", lambda: client.get("/publicar/entidad/secretaria-general"))
    timed("GET new good-practice form", lambda: client.get("/publicar/nuevo?tipo=buena-practica"))
    timed("GET edit form", lambda: client.get(f"/publicar/recurso/{slug}"))
    counter = iter(range(10_000))

    def save():
        html = client.get(f"/publicar/recurso/{slug}").text
        from tests.workspace_helpers import form_values

        values = form_values(html)
        values["title"] = f"Título editado {next(counter)}"
        start = time.perf_counter()
        response = client.post(f"/publicar/recurso/{slug}", data={**values, "accion": "guardar"})
        save.last = (time.perf_counter() - start) * 1000
        return response

    samples = []
    for _ in range(15):
        assert save().status_code == 302
        samples.append(save.last)
    label = "POST edit form (save: revision + derived)"
    print(f"{label:44s} median {statistics.median(samples):7.1f} ms")
    timed("GET history with diff", lambda: client.get(f"/publicar/recurso/{slug}/historial"))


if __name__ == "__main__":
    main()
