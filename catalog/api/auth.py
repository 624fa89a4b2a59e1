"""Bearer-token authentication for the API."""

from __future__ import annotations

from flask import g, request

from ..errors import Unauthorized
from ..services.actors import Actor
from ..services.tokens import actor_for_token, touch_token


def optional_actor() -> Actor | None:
    """The actor behind the request's bearer token; None without one; 401 if it's bad."""
    if "api_actor" in g:
        return g.api_actor
    header = request.headers.get("Authorization", "")
    actor = None
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Use la cabecera «Authorization: Bearer <token>».")
        actor = actor_for_token(token.strip())
        if actor is None:
            raise Unauthorized("El token no es válido o fue revocado.")
    g.api_actor = actor
    return actor


def required_actor() -> Actor:
    actor = optional_actor()
    if actor is None:
        raise Unauthorized("Esta operación requiere un token de API (Authorization: Bearer …).")
    if actor.token_id is not None:
        touch_token(actor.token_id)
    return actor
