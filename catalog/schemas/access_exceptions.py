"""Exceptions to access (Ley 1712 de 2014): what a classified or reserved resource must say.

The Índice de Información Clasificada y Reservada (Decreto 103 de 2015) lists, for each such
resource, the legitimate aim of the exception and its legal ground (vocab/exception-grounds.ttl:
art. 18 grounds classify, art. 19 grounds reserve), the specific norm, whether the exception is
total or partial (art. 21) and how long it lasts: a reserve at most 15 years (art. 22).

`problems` is checked on the resource as it will be stored (after a full or partial update), so
the API, the form, the bulk import and restores all refuse the same incoherent states.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from flask import current_app

from ..dates import add_duration
from ..errors import Invalid
from ..models import Resource

RESTRICTED = ("clasificada", "reservada")
FIELDS = ("exception_ground", "exception_legal_basis", "exception_scope", "exception_until")
MAX_RESERVE = "P15Y"  # Ley 1712 de 2014, art. 22
ARTICLE = {"clasificada": "18", "reservada": "19"}


def reserve_limit(issued: date | None) -> date:
    """The latest date a reserve may run to: 15 years after the information was generated
    (its issued date; today when it has none)."""
    return add_duration(issued or date.today(), MAX_RESERVE)


def problems(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field → Spanish reasons; empty when the exception fields fit the access rights.

    `values`: the resource's fields by API name (validated input, or see `of_resource`)."""
    access = values.get("access_rights")
    issued = values.get("issued")
    errors: dict[str, list[str]] = {}
    if access not in RESTRICTED:
        for name in FIELDS:
            if values.get(name) not in (None, ""):
                errors[name] = [
                    "Solo se indica para información clasificada o reservada (derechos de acceso)."
                ]
        return errors
    ground = current_app.extensions["vocab"]["exception-grounds"].get(
        values.get("exception_ground")
    )
    if ground is None:
        errors["exception_ground"] = [
            f"Indique la causal de la excepción (Ley 1712 de 2014, artículo {ARTICLE[access]})."
        ]
    elif ground.prop("accessRights") != access:
        other = str(ground.prop("accessRights"))
        errors["exception_ground"] = [
            f"Esa causal es de información {other} (artículo {ARTICLE[other]}); elija una del "
            f"artículo {ARTICLE[access]} o cambie los derechos de acceso."
        ]
    if not (values.get("exception_legal_basis") or "").strip():
        errors["exception_legal_basis"] = [
            "Indique el fundamento jurídico: la norma o disposición que establece la excepción."
        ]
    if not values.get("exception_scope"):
        errors["exception_scope"] = ["Indique si la excepción es total o parcial."]
    until = values.get("exception_until")
    if access == "reservada":
        if until is None:
            errors["exception_until"] = [
                "Indique hasta cuándo dura la reserva (a lo sumo 15 años, Ley 1712 de 2014, "
                "artículo 22)."
            ]
        elif until > (limit := reserve_limit(issued)):
            errors["exception_until"] = [
                "La reserva no puede durar más de 15 años desde que se generó la información "
                f"(Ley 1712 de 2014, artículo 22): a más tardar {limit}."
            ]
        elif until < date.today():
            errors["exception_until"] = [
                "La reserva ya venció: la información es pública; cambie los derechos de acceso."
            ]
    if until is not None and issued is not None and until < issued:
        errors.setdefault("exception_until", []).append(
            "El plazo termina antes de la fecha en que se generó la información."
        )
    return errors


def of_resource(resource: Resource) -> dict[str, Any]:
    return {name: getattr(resource, name) for name in ("access_rights", "issued", *FIELDS)}


def check(resource: Resource) -> None:
    """Refuse (422, every field with its reason) a resource whose exception does not fit
    (after a full or partial update: the state that would be stored)."""
    errors = problems(of_resource(resource))
    if errors:
        raise Invalid(errors)


EXPIRY_WARNING_DAYS = 30


def may_need_attention(today: date | None = None):
    """SQL condition: the restricted resources `attention_note` may have something to say about
    (a cheap pre-filter; the note decides)."""
    soon = (today or date.today()) + timedelta(days=EXPIRY_WARNING_DAYS)
    return Resource.access_rights.in_(RESTRICTED) & (
        Resource.exception_ground.is_(None)
        | Resource.exception_scope.is_(None)
        | Resource.exception_legal_basis.is_(None)
        | ((Resource.access_rights == "reservada") & Resource.exception_until.is_(None))
        | (Resource.exception_until <= soon)
    )


def attention_note(resource: Resource, today: date | None = None) -> str | None:
    """What a publisher must do about a stored classified/reserved resource (the dashboard):
    an exception left unsaid (stored before these fields existed), or a reserve that has ended
    or ends within 30 days. None when nothing is due."""
    if resource.access_rights not in RESTRICTED:
        return None
    today = today or date.today()
    values = of_resource(resource)
    if (
        not values["exception_ground"]
        or not values["exception_scope"]
        or not (values["exception_legal_basis"] or "").strip()
    ):
        return (
            "Falta declarar la excepción (causal, fundamento, alcance) para el Índice de "
            "Información Clasificada y Reservada."
        )
    until = resource.exception_until
    if resource.access_rights == "reservada":
        if until is None:
            return "Falta el plazo de la reserva (a lo sumo 15 años)."
        if until < today:
            return f"La reserva venció el {until.isoformat()}: la información es pública."
        if (until - today).days <= EXPIRY_WARNING_DAYS:
            return f"La reserva vence en {(until - today).days} días ({until.isoformat()})."
    return None
