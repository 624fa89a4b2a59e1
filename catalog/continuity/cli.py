"""`catalog export ARCHIVE.zip` and `catalog import ARCHIVE.zip`.

Exit codes: 0 done; 1 refused (bad archive, non-empty database, bad path), with the reason.
"""

from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext

from .archive import ArchiveError, export_archive, import_archive


def _say(line: str) -> None:
    click.echo(line, err=True)


@click.command("export")
@click.argument("archive", type=click.Path(dir_okay=False))
@click.option(
    "--with-accounts", is_flag=True, help="Incluir los hashes de las contraseñas (argon2)."
)
@click.option(
    "--public-only",
    is_flag=True,
    help="Solo lo que ya es público (sin borradores, historial, cuentas ni datos personales).",
)
@with_appcontext
def export(archive: str, with_accounts: bool, public_only: bool) -> None:
    """Exportar el catálogo entero a un paquete BagIt (.zip) que se verifica solo."""
    if not public_only:
        _say(
            "AVISO: el paquete contiene datos personales (teléfonos y correos de colaboradores, "
            "cuentas del personal): guárdelo como información reservada (Ley 1581 de 2012). "
            "Use --public-only para uno sin nada que no sea público."
        )
    started = time.perf_counter()
    try:
        summary = export_archive(
            archive, with_accounts=with_accounts, public_only=public_only, progress=_say
        )
    except ArchiveError as error:
        click.echo(f"No se exportó: {error}", err=True)
        sys.exit(1)
    counts = summary.counts
    click.echo(
        f"{archive}: {counts.get('resource', 0)} recursos, {counts.get('revision', 0)} "
        f"revisiones, {counts.get('publisher', 0)} entidades, {summary.files} archivos; "
        f"cabeza de la cadena {summary.head.hash[:16] + '…' if summary.head else '—'} "
        f"({time.perf_counter() - started:.1f} s)."
    )


@click.command("import")
@click.argument("archive", type=click.Path(dir_okay=False))
@with_appcontext
def import_(archive: str) -> None:
    """Importar un paquete de «catalog export» en una base de datos vacía (todo o nada)."""
    started = time.perf_counter()
    try:
        summary = import_archive(archive, progress=_say)
    except ArchiveError as error:
        click.echo(f"No se importó nada: {error}", err=True)
        sys.exit(1)
    counts = summary.counts
    click.echo(
        f"Importado {archive}: {counts.get('resource', 0)} recursos, "
        f"{counts.get('revision', 0)} revisiones, {summary.files} archivos; la cadena termina "
        f"en la cabeza del paquete ({time.perf_counter() - started:.1f} s). "
        "Ejecute «catalog verify» cuando quiera comprobarlo de nuevo."
    )
