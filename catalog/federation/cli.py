"""`catalog harvest …`: add, list and run harvest sources (for people and for cron).

Exit codes of `run`: 0 the run completed (refused records are listed in the report); 2 the
source failed (unreachable, not parseable) and nothing was changed; 3 another run of that
source was in progress, so this one did not start; 1 a bad command (unknown source…).

`run --due` (cron) is incremental where the source allows it (CKAN's metadata_modified, a
DCAT dump offering modified_since), with a complete run at least once a day — only a complete
run withdraws what the source removed. `run NAME` is complete unless `--incremental`.
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..errors import Invalid
from ..extensions import db
from ..models import HarvestSource
from ..models.harvest import KINDS
from . import sync


@click.group("harvest")
def harvest() -> None:
    """Cosecha de otros portales (CKAN, DCAT, data.json)."""


@harvest.command("add")
@click.argument("name")
@click.option("--publisher", "publisher_slug", required=True, help="Slug de la entidad dueña.")
@click.option("--kind", type=click.Choice(KINDS), required=True)
@click.option("--url", required=True, help="Dirección de la fuente.")
@click.option("--every", default="1d", show_default=True, help="Cada cuánto: 30m, 12h, 1d…")
@click.option("--grace", default="7d", show_default=True, help="Espera antes de retirar.")
@click.option("--organization", default=None, help="CKAN: solo esta organización.")
@click.option("--dcat-publisher", default=None, help="DCAT: solo los de este agente (IRI).")
@with_appcontext
def add(name, publisher_slug, kind, url, every, grace, organization, dcat_publisher) -> None:
    """Registrar una fuente de cosecha."""
    try:
        source = sync.add_source(
            name,
            publisher_slug,
            kind,
            url,
            every,
            grace,
            {"organization": organization, "publisher": dcat_publisher},
        )
    except Invalid as error:
        for key, reasons in error.fields.items():
            click.echo(f"{key}: {' '.join(reasons)}", err=True)
        sys.exit(1)
    click.echo(f"Fuente «{source.name}» ({source.kind}) para {source.publisher.name}: {source.url}")


@harvest.command("list")
@with_appcontext
def list_sources() -> None:
    """Las fuentes, con su última cosecha."""
    sources = db.session.execute(db.select(HarvestSource).order_by(HarvestSource.name)).scalars()
    for source in sources:
        last = source.runs[0] if source.runs else None
        state = f"{last.status} {last.started_at:%Y-%m-%d %H:%M}" if last else "nunca"
        active = "" if source.active else " (inactiva)"
        click.echo(
            f"{source.name}\t{source.kind}\t{source.publisher.slug}\t{state}{active}\t{source.url}"
        )


@harvest.command("run")
@click.argument("name", required=False)
@click.option("--due", is_flag=True, help="Todas las fuentes a las que les toca (para cron).")
@click.option("--dry-run", is_flag=True, help="Mostrar qué haría, sin cambiar nada.")
@click.option(
    "--incremental/--full",
    default=None,
    help="Solo lo modificado desde la última cosecha (por omisión con --due) o todo "
    "(por omisión con un nombre). Con --due, la completa se hace al menos una vez al día.",
)
@with_appcontext
def run(name: str | None, due: bool, dry_run: bool, incremental: bool | None) -> None:
    """Cosechar una fuente (o las que tocan con --due) e imprimir el informe."""
    if bool(name) == due:
        click.echo("Indique el nombre de una fuente o --due.", err=True)
        sys.exit(1)
    if due:
        sources = sync.due_sources()
    else:
        found = db.session.execute(
            db.select(HarvestSource).where(HarvestSource.name == name)
        ).scalar_one_or_none()
        if found is None:
            click.echo(f"No existe la fuente «{name}».", err=True)
            sys.exit(1)
        sources = [found]
    worst = 0
    for source in sources:
        report = sync.run(
            source, dry_run=dry_run, incremental=due if incremental is None else incremental
        )
        for line in report.lines():
            click.echo(line)
        worst = max(worst, report.exit_code)
    sys.exit(worst)
