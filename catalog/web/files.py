"""Serving hosted files safely: always a download, never sniffed, never scripted."""

from __future__ import annotations

import base64

from flask import current_app, send_from_directory

from ..models import Distribution


def send_hosted_file(dist: Distribution, *, max_age: int = 0):
    """The file as an attachment with its recorded media type and defensive headers."""
    response = send_from_directory(
        current_app.config["CATALOG_FILES_DIR"],
        dist.file_key or "",
        as_attachment=True,
        download_name=dist.file_name or "archivo",
        mimetype=dist.media_type or "application/octet-stream",
        max_age=max_age,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if dist.checksum_sha256:
        # RFC 3230 instance digest, so a client can verify what it received

        digest = base64.b64encode(bytes.fromhex(dist.checksum_sha256)).decode()
        response.headers["Digest"] = f"sha-256={digest}"
    return response
