"""How long a bulk import takes, in both modes, and the registers of the imported entity.

    python -m benchmarks.import_bench [N]      (default N = 1000)

Builds the demo district in a temporary SQLite file, writes a CSV of N resources (each with
keywords, themes, languages and one distribution) and imports it into an entity, all-or-nothing
(one transaction) and, on another fresh catalog, row by row ("válidas", one transaction each).
Each row goes through the API schema and the resource service: revision, quality, DCAT
fragments, search.
"""

from __future__ import annotations

import csv
import io
import sys
import time

from .data import make_app


def _csv(total: int, prefix: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "titulo", "tipo", "descripcion", "estado", "palabras_clave", "temas", "idiomas",
            "fecha_publicacion", "frecuencia", "licencia", "distribucion_titulo",
            "distribucion_url", "distribucion_formato",
        ]
    )  # fmt: skip
    for i in range(total):
        writer.writerow(
            [
                f"{prefix} informe de gestión número {i}",
                "informe-resultados",
                f"Informe **{i}** de la entidad, con sus *resultados* del periodo.",
                "publicado",
                "gestión|resultados|informe",
                "datos-gov-co/funcion-publica|mipg/gobierno-digital",
                "spa",
                "2024-03-01",
                "annual",
                "cc-by-4.0",
                "Informe en PDF",
                f"https://example.org/informes/{prefix}-{i}.pdf",
                "pdf",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    from flask_migrate import upgrade

    from catalog.demo.loader import load_demo
    from catalog.services.actors import Actor
    from catalog.services.bulk_import import import_table

    for all_or_nothing, prefix in ((True, "Primer"), (False, "Segundo")):
        app, _ = make_app()  # each mode on a fresh demo catalog
        with app.app_context():
            upgrade(revision="heads")
            load_demo()
        data = _csv(total, prefix)
        with app.app_context():
            start = time.perf_counter()
            report = import_table(
                data, "bench.csv", Actor.system("bench"), "secretaria-general", all_or_nothing
            )
            seconds = time.perf_counter() - start
        assert report.ok and len(report.imported) == total, report.rows[:5]
        mode = "todo o nada" if all_or_nothing else "válidas"
        print(
            f"import {total} rows ({len(data) / 1e6:.2f} MB), mode {mode:12s}: {seconds:6.1f} s "
            f"({total / seconds:5.0f} rows/s, {seconds / total * 1000:.1f} ms/row)"
        )
    client = app.test_client()
    for path in (
        "/entidad/secretaria-general/registro-activos",
        "/entidad/secretaria-general/registro-activos.csv",
        "/entidad/secretaria-general/esquema-publicacion.xlsx",
    ):
        start = time.perf_counter()
        response = client.get(path)
        seconds = time.perf_counter() - start
        assert response.status_code == 200
        print(f"{path:55s} {seconds * 1000:7.0f} ms ({len(response.data) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
