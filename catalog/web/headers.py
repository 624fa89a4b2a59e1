"""Security headers on every response: pages, JSON, feeds, files and error pages alike."""

from __future__ import annotations

from flask import Flask, Response, current_app

# Pages load only their own stylesheet and images; no script runs (JSON-LD is a data block).
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Machine outputs (JSON, RDF, feeds, CSV) are never documents to run anything in.
DATA_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"


def init_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        html = (response.mimetype or "") in ("text/html", "application/xhtml+xml")
        headers.setdefault("Content-Security-Policy", PAGE_CSP if html else DATA_CSP)
        if html:
            headers.setdefault("X-Frame-Options", "DENY")
        if current_app.config["CATALOG_BASE_URI"].startswith("https://"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
