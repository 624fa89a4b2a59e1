"""Domain errors raised by services, and the one handler that answers them as JSON or HTML."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .i18n import N_


class CatalogError(Exception):
    status = 400
    code = "error"
    default_message = N_("La solicitud no es válida.")

    def __init__(self, message: str | None = None, **details: Any):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.details = details


class BadRequest(CatalogError):
    status = 400
    code = "bad_request"


class Unauthorized(CatalogError):
    status = 401
    code = "unauthorized"
    default_message = N_("Se requiere autenticación: envíe un token en Authorization: Bearer …")


class Forbidden(CatalogError):
    status = 403
    code = "forbidden"
    default_message = N_("No tiene permiso para modificar recursos de esta entidad.")


class NotFound(CatalogError):
    status = 404
    code = "not_found"
    default_message = N_("No se encontró lo que busca.")


class Conflict(CatalogError):
    status = 409
    code = "conflict"
    default_message = N_("El recurso fue modificado por otra persona.")


class Gone(CatalogError):
    status = 410
    code = "gone"
    default_message = N_("Este recurso fue retirado del catálogo.")


class PreconditionFailed(CatalogError):
    status = 412
    code = "precondition_failed"
    default_message = N_(
        "La versión indicada en If-Match ya no es la actual: otra persona guardó cambios."
    )


class Invalid(CatalogError):
    """Bad input: `fields` maps each offending field (dotted path) to its reasons."""

    status = 422
    code = "invalid"
    default_message = N_("Los datos enviados no son válidos.")

    def __init__(self, fields: dict[str, list[str]] | None = None, message: str | None = None):
        super().__init__(message, fields=fields or {})
        self.fields = fields or {}


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested error dict → {'distributions.0.access_url': ['…']}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten_messages(value, path))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            out.update(flatten_messages(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out[prefix or "_schema"] = [str(messages)]
    return out


def wants_json() -> bool:
    """API paths always answer JSON; elsewhere JSON only when the client prefers it."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(error: CatalogError) -> Response | tuple:
    body: dict[str, Any] = {"error": error.code, "message": error.message}
    if isinstance(error, Invalid):
        body["fields"] = error.fields
    else:
        body.update({k: v for k, v in error.details.items() if k != "html"})
    if wants_json():
        response = jsonify(body)
        response.status_code = error.status
    else:
        html = render_template("errors/error.html", error=error, status=error.status)
        response = Response(html, status=error.status, mimetype="text/html")
    if isinstance(error, Unauthorized):
        response.headers["WWW-Authenticate"] = 'Bearer realm="catalogo"'
    return response


_HTTP_MESSAGES = {
    400: N_("La solicitud no es válida."),
    401: N_("Se requiere autenticación."),
    403: N_("No tiene permiso para hacer esto."),
    404: N_("No se encontró la página que busca."),
    405: N_("Método no permitido."),
    406: N_("No podemos responder en el formato pedido."),
    410: N_("Este contenido fue retirado."),
    413: N_("El envío es demasiado grande."),
    415: N_("Tipo de contenido no admitido."),
    429: N_("Demasiadas solicitudes; intente más tarde."),
    500: N_("Error interno del servidor."),
}


def register_error_handlers(app: Flask) -> None:
    """One handler for domain errors and HTTP errors: JSON for APIs, HTML for people."""

    @app.errorhandler(CatalogError)
    def _domain(error: CatalogError):
        return error_response(error)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        generic = CatalogError(_HTTP_MESSAGES.get(error.code, error.description))
        generic.status = error.code
        generic.code = (error.name or "error").lower().replace(" ", "_")
        response = error_response(generic)
        if isinstance(response, Response):
            for key, value in error.get_headers():
                if key.lower() not in ("content-type", "content-length"):
                    response.headers[key] = value
        return response
