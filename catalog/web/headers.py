"""Security headers on every response: pages, JSON, feeds, files and error pages alike."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request

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
        elif "Cache-Control" not in headers:
            headers["Cache-Control"] = machine_cache_control(response)
        if g.get("negotiated"):  # the answer (a redirect too) was chosen by Accept
            response.vary.add("Accept")
        if current_app.config["CATALOG_BASE_URI"].startswith("https://"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def machine_cache_control(response: Response) -> str:
    """What a cache may do with a machine output that set no policy of its own: errors and
    answers to writes are never stored; what a token saw stays in the client's own cache;
    public data may be reused for a minute (harvesters revalidate with ETag/Last-Modified)."""
    if response.status_code >= 400 or request.method not in ("GET", "HEAD"):
        return "no-store"
    if request.headers.get("Authorization"):
        return "private, no-cache"
    return "public, max-age=60"
