"""The `pagina` query parameter of the HTML lists that page a known total (a register, an
entity's resources in the workspace): a page past the end or not a number is a 404 that says
how many pages there are."""

from __future__ import annotations

from flask import request

from .errors import NotFound


def requested_page(total: int, size: int, what: str) -> tuple[int, int]:
    """(page, pages) for `?pagina=`; `what` names the list in the 404 ("el registro")."""
    pages = max(1, -(-total // size))
    page = request.args.get("pagina", "1")
    if not page.isdigit() or not 1 <= int(page) <= pages:
        raise NotFound(f"Esa página no existe: {what} tiene {pages} páginas.")
    return int(page), pages
