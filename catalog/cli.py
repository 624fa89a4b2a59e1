"""The `catalog` command: a Flask CLI group over create_app, plus the catalog's own commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from .continuity.cli import export, import_
from .errors import CatalogError
from .extensions import db
from .federation.cli import harvest


def _upgrade() -> None:
    from flask_migrate import upgrade

    upgrade(revision="heads")


def register_commands(app: Flask) -> None:
    app.cli.add_command(export_rdf)
    app.cli.add_command(init_db)
    app.cli.add_command(verify)
    app.cli.add_command(review_report)
    app.cli.add_command(check_links)
    app.cli.add_command(render)
    app.cli.add_command(import_csv)
    app.cli.add_command(demo)
    app.cli.add_command(token)
    app.cli.add_command(user)
    app.cli.add_command(harvest)
    app.cli.add_command(export)
    app.cli.add_command(import_)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    _upgrade()
    click.echo("Esquema de base de datos al día.")


@click.command("export-rdf")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "ext",
    type=click.Choice(["nt", "ttl", "jsonld", "rdf"]),
    default=None,
    help="Formato (por defecto, según la extensión: .nt, .ttl, .jsonld, .rdf o .xml).",
)
@with_appcontext
def export_rdf(path: str, ext: str | None) -> None:
    """Write the whole DCAT-AP catalog to a file, streamed from the stored fragments."""
    import os
    from pathlib import Path

    from .harvest.stream import document, iter_rows, stamp
    from .harvest.views import header_for_export

    target = Path(path)
    suffixes = {"nt": "nt", "ttl": "ttl", "jsonld": "jsonld", "rdf": "rdf", "xml": "rdf"}
    if ext is None:
        ext = suffixes.get(target.suffix.lower().lstrip("."))
        if ext is None:
            raise click.ClickException(
                f"No sé qué formato escribir en «{target.name}»: use la extensión .nt, .ttl, "
                ".jsonld, .rdf o .xml, o indique --format."
            )
    folder = target.parent
    if not folder.is_dir():
        raise click.ClickException(f"La carpeta «{folder}» no existe: créela primero.")
    if not os.access(folder, os.W_OK):
        raise click.ClickException(f"No se puede escribir en la carpeta «{folder}».")
    total, newest, _ = stamp([])
    partial = target.with_name(f".{target.name}.parcial")
    try:
        with open(partial, "w", encoding="utf-8") as out:
            for chunk in document(
                ext, header_for_export(newest, ext, total), iter_rows([], 0, None, ext)
            ):
                out.write(chunk)
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"No se pudo escribir «{target}»: {error.strerror}.") from None
    click.echo(f"{total} recursos escritos en {target} ({ext}).")


def _render_all() -> int:
    from .extensions import db
    from .models import Resource
    from .publishing import publish

    count = 0
    for resource in db.session.execute(db.select(Resource).order_by(Resource.id)).scalars():
        publish(resource)
        count += 1
        if count % 500 == 0:
            db.session.commit()
    db.session.commit()
    return count


def rendered_for_another_base() -> bool:
    """Were the stored fragments rendered under another CATALOG_BASE_URI (e.g. the demo
    loaded for :5000, now served on :5400)?"""
    from . import urls
    from .extensions import db
    from .models import ResourceFragment

    sample = db.session.execute(db.select(ResourceFragment.nt).limit(1)).scalar()
    return bool(sample) and f"<{urls.base()}/" not in str(sample)


@click.command("render")
@with_appcontext
def render() -> None:
    """Re-render every resource's stored outputs (after an upgrade changes the mapping)."""
    click.echo(f"{_render_all()} recursos renderizados.")


@click.command("review-report")
@with_appcontext
def review_report() -> None:
    """Print the overdue reviews per entity as CSV."""
    from .stewardship.reviews import overdue_csv

    click.echo(overdue_csv(), nl=False)


def progress_printer(label: str, every_seconds: float = 5.0):
    """A progress callback `(done, total)`: a bar on a terminal, else a plain line every few
    seconds (and at the end), on standard error so reports on stdout stay clean."""
    import sys
    import time

    state = {"last": 0.0}
    terminal = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if terminal:
            width = 30
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            click.echo(f"\r{label} [{bar}] {done}/{total}", nl=done >= total, err=True)
        elif done >= total or now - state["last"] >= every_seconds:
            state["last"] = now
            click.echo(f"{label}: {done}/{total}", err=True)

    return show


@click.command("check-links")
@click.option("--workers", default=8, show_default=True, help="Servidores revisados a la vez.")
@with_appcontext
def check_links(workers: int) -> None:
    """Check every distribution URL safely and store the results (schedule it, e.g. nightly).

    Exit codes: 0 every link answered; 1 some links have problems (listed)."""
    from flask import current_app

    from .stewardship.links import check_all

    allow = bool(current_app.config.get("CATALOG_LINKCHECK_ALLOW_LOOPBACK"))  # tests only
    results = check_all(
        allow_loopback=allow,
        workers=workers,
        progress=progress_printer("Revisando enlaces"),
    )
    bad = [r for r in results if not r.ok]
    click.echo(f"{len(results)} direcciones revisadas, {len(bad)} con problemas.")
    for result in bad:
        click.echo(f"  {result.url}: {result.error}")
    if bad:
        raise SystemExit(1)


@click.command("import-csv")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--publisher", "publisher_slug", required=True, help="Slug de la entidad.")
@click.option(
    "--all-or-nothing", is_flag=True, help="No importar nada si alguna fila tiene errores."
)
@click.option(
    "--only-new",
    is_flag=True,
    help="Omitir (e informar) las filas de recursos que ya existen, en vez de actualizarlos.",
)
@with_appcontext
def import_csv(path: str, publisher_slug: str, all_or_nothing: bool, only_new: bool) -> None:
    """Import resources from a CSV or XLSX file (kind read from its content); exit 1 if any
    row is refused."""
    from pathlib import Path

    from .services.actors import Actor
    from .services.bulk_import import import_table

    file = Path(path)
    try:
        report = import_table(
            file.read_bytes(),
            file.name,
            Actor.system("cli"),
            publisher_slug,
            all_or_nothing,
            only_new=only_new,
            progress=progress_printer("Importando"),
        )
    except CatalogError as error:
        raise click.ClickException(error.message) from error
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)


@click.command("verify")
@click.option("--head", "head_hash", help="Hash de la cabeza publicada (/integridad.json).")
@click.option("--length", type=click.IntRange(min=1), help="Revisiones que cubre esa cabeza.")
@with_appcontext
def verify(head_hash: str | None, length: int | None) -> None:
    """Recompute the hash chains, compare records with their history, re-hash hosted files.

    The chain is also compared with a head known from outside the database: --head/--length
    (e.g. from the published /integridad.json), or else the witness file the app keeps."""
    from .services.witness import Head
    from .stewardship.integrity import verify as run

    if (head_hash is None) != (length is None):
        raise click.UsageError("Use --head y --length juntos.")
    report = run(Head(head_hash, length) if head_hash and length else None)
    click.echo(
        f"{report.revisions} revisiones, {report.resources} recursos, {report.files} archivos."
    )
    for note in report.notes:
        click.echo(f"AVISO: {note}", err=True)
    for problem in report.problems:
        click.echo(f"PROBLEMA: {problem}", err=True)
    if not report.ok:
        raise SystemExit(1)
    click.echo("Historial íntegro.")


@click.command("demo")
@click.option(
    "--resources",
    "extra",
    default=0,
    show_default=True,
    help="Recursos sintéticos adicionales (para pruebas de carga).",
)
@with_appcontext
def demo(extra: int) -> None:
    """Create the schema and load the demo district (idempotent)."""
    from . import urls
    from .demo.loader import load_demo

    _upgrade()
    created = load_demo(extra=extra)
    click.echo(
        f"Demo cargada: {created['publishers']} entidades nuevas, "
        f"{created['resources']} recursos nuevos."
    )
    if rendered_for_another_base():
        count = _render_all()
        click.echo(f"{count} recursos renderizados de nuevo para {urls.base()}.")
    _demo_account()


def _demo_account() -> None:
    """On a catalog without accounts, one administrator to try the workspace with; its random
    password is printed once (nothing is created when any account exists)."""
    import secrets

    from .models import User
    from .services.accounts import create_user

    if db.session.execute(db.select(User.id).limit(1)).first():
        return
    password = secrets.token_urlsafe(12)
    create_user(
        email="admin@demo.bogota.gov.co",
        password=password,
        name="Administración (demo)",
        is_admin=True,
        publisher_slug="secretaria-general",
        role="admin",
    )
    click.echo(
        "Cuenta de demostración en /publicar/ingresar (la contraseña no se muestra otra vez):"
    )
    click.echo(f"  correo: admin@demo.bogota.gov.co  contraseña: {password}")


@click.group("token")
def token() -> None:
    """API tokens for a publisher."""


@token.command("create")
@click.option("--publisher", "publisher_slug", required=True, help="Slug de la entidad.")
@click.option("--role", type=click.Choice(["editor", "admin"]), default="editor", show_default=True)
@click.option("--name", default="", help="Para qué se usa el token.")
@click.option(
    "--expires-days", type=click.IntRange(1, 3650), default=None, help="Caduca tras N días."
)
@with_appcontext
def token_create(publisher_slug: str, role: str, name: str, expires_days: int | None) -> None:
    """Create a token; the plaintext is printed once, as the last line."""
    from .services.actors import Actor
    from .services.resources import find_publisher
    from .services.tokens import create_token

    try:
        publisher = find_publisher(publisher_slug)
    except CatalogError as error:
        raise click.ClickException(f"No existe la entidad «{publisher_slug}».") from error
    row, plaintext = create_token(
        publisher, role, Actor.system("cli"), name or "creado por CLI", expires_days
    )
    click.echo(f"Token {row.prefix}… ({role}) para {publisher.name}.")
    click.echo("Guárdelo ahora; no se mostrará otra vez:")
    click.echo(plaintext)


@token.command("revoke")
@click.argument("prefix")
@with_appcontext
def token_revoke(prefix: str) -> None:
    """Revoke the token whose prefix is given."""
    from .models import ApiToken
    from .services.actors import Actor
    from .services.tokens import revoke_token

    row = db.session.execute(
        db.select(ApiToken).where(ApiToken.prefix == prefix[:12])
    ).scalar_one_or_none()
    if row is None:
        raise click.ClickException("No existe un token con ese prefijo.")
    revoke_token(row.id, Actor.system("cli"))
    click.echo("Token revocado.")


@click.group("user")
def user() -> None:
    """Accounts of publishers' staff and administrators."""


def _read_password(prompt: str) -> str:
    """From standard input when it is not a terminal (`echo … | catalog user …`), else asked
    twice."""
    import sys

    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _refusal(error: CatalogError) -> click.ClickException:
    """A refused command's message: each field and its reasons, else the error's message."""
    details = "; ".join(
        f"{field}: {' '.join(messages)}" for field, messages in getattr(error, "fields", {}).items()
    )
    return click.ClickException(details or error.message)


@user.command("create")
@click.argument("email_arg", metavar="EMAIL", required=False)
@click.option("--email", default=None, help="El correo (o como primer argumento).")
@click.option("--name", default="")
@click.option("--admin", is_flag=True, help="Administrador de todo el catálogo.")
@click.option("--publisher", "publisher_slug", default=None)
@click.option("--role", type=click.Choice(["editor", "admin"]), default="editor")
@with_appcontext
def user_create(
    email_arg: str | None,
    email: str | None,
    name: str,
    admin: bool,
    publisher_slug: str | None,
    role: str,
) -> None:
    """Create a user (optionally a member of a publisher). The password is read from standard
    input when it is not a terminal (`echo … | catalog user create …`), else asked twice."""

    from .services.accounts import create_user

    address = email_arg or email
    if not address:
        raise click.UsageError("Indique el correo: catalog user create EMAIL [--admin]")
    password = _read_password("Contraseña")
    try:
        created = create_user(
            email=address,
            name=name,
            password=password,
            is_admin=admin,
            publisher_slug=publisher_slug,
            role=role,
        )
    except CatalogError as error:
        raise _refusal(error) from error
    click.echo(f"Usuario {created.email} creado{' (administrador)' if admin else ''}.")


@user.command("password")
@click.argument("email")
@with_appcontext
def user_password(email: str) -> None:
    """Set a new password (read from standard input, or asked twice at a terminal); the
    user's sessions end and a lock-out is lifted. E.g. the demo administrator's."""

    from .services.accounts import reset_password

    password = _read_password("Contraseña nueva")
    try:
        changed = reset_password(email, password)
    except CatalogError as error:
        raise _refusal(error) from error
    click.echo(f"Contraseña de {changed.email} cambiada; sus sesiones abiertas terminaron.")


def _served_base(host: str, port: int) -> str:
    """The base URI of what `catalog run` serves, when CATALOG_BASE_URI does not say it."""
    name = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::", "::1", "localhost") else host
    if ":" in name:
        name = f"[{name}]"
    return f"http://{name}:{port}"


def _run_command() -> click.Command:
    """Flask's `run`, which also makes the published links point where it serves: without
    CATALOG_BASE_URI, the base is http://localhost:<the port served>."""
    import os

    from flask.cli import run_command

    @click.pass_context
    def run(ctx: click.Context, **options) -> None:
        if not os.environ.get("CATALOG_BASE_URI"):
            os.environ["CATALOG_BASE_URI"] = _served_base(options["host"], options["port"])
        click.echo(f"Sirviendo en {os.environ['CATALOG_BASE_URI']} (Ctrl+C para detener).")
        ctx.invoke(run_command, **options)

    return click.Command(
        "run",
        callback=run,
        params=run_command.params,
        help="Servidor de desarrollo; sin CATALOG_BASE_URI, los enlaces usan el puerto servido.",
    )


def main() -> None:
    from flask.cli import routes_command, shell_command

    from . import create_app

    cli = FlaskGroup(
        create_app=lambda: create_app(),
        add_default_commands=False,
        help="Catálogo de Gestión Pública Distrital.",
    )
    cli.add_command(_run_command())
    cli.add_command(shell_command)
    cli.add_command(routes_command)
    cli.main(prog_name="catalog")
