"""Input schemas of the publisher API (the same shape as services.snapshot)."""

from __future__ import annotations

import re
from typing import Any, cast

from marshmallow import RAISE, Schema, ValidationError, pre_load, validates_schema
from marshmallow.fields import Field
from marshmallow.schema import SchemaMeta

from ..errors import Invalid, flatten_messages
from ..models import DRAFT, PUBLISHED
from ..registry import RESOURCE, Spec
from . import access_exceptions
from . import fields as f


class StrictSchema(Schema):
    error_messages = {
        "unknown": "Campo desconocido.",
        "type": "Se esperaba un objeto JSON.",
    }

    class Meta:
        unknown = RAISE


class NormSchema(StrictSchema):
    number = f.Text(max_length=60, allow_none=True)
    date = f.Date(allow_none=True)
    issuer = f.Text(max_length=300, allow_none=True)
    legal_status = f.Concept("legal-status", allow_none=True)
    legal_status_note = f.Text(max_length=500, single_line=False, allow_none=True)
    superseded_by = f.Url(allow_none=True)


class BenefitSchema(StrictSchema):
    benefit = f.Text(max_length=500, min_length=1, required=True)
    for_whom = f.Text(max_length=300, allow_none=True)


class CollaboratorSchema(StrictSchema):
    name = f.Text(max_length=200, min_length=1, required=True)
    link_type = f.Text(max_length=60, allow_none=True)
    phone = f.Text(max_length=60, allow_none=True)
    email = f.Email(allow_none=True)
    show_publicly = f.Boolean(load_default=False)


def _items(max_length: int = 1000, max_items: int = 30) -> f.List:
    return f.List(
        f.Text(max_length=max_length, min_length=1, single_line=False), max_items=max_items
    )


class GoodPracticeSchema(StrictSchema):
    form_date = f.Date(allow_none=True)
    unit_head = f.Text(max_length=200, allow_none=True)
    process = f.Text(max_length=300, allow_none=True)
    mipg_policy = f.Concept("mipg", as_uri=True, allow_none=True)
    team = f.Text(max_length=300, allow_none=True)
    start_date = f.Date(allow_none=True)
    is_adaptation = f.Boolean()
    adapted_from = f.Text(max_length=300, allow_none=True)
    baseline = f.LongText(max_length=5000, allow_none=True)
    target_population = _items(300)
    objectives = _items()
    development_time = f.Text(max_length=300, allow_none=True)
    contribution = f.LongText(max_length=5000, allow_none=True)
    results = _items()
    benefits = f.List(f.Nested(BenefitSchema), max_items=30)
    dissemination = f.LongText(max_length=5000, allow_none=True)
    dissemination_media = _items(300)
    other_aspects = f.LongText(max_length=5000, allow_none=True)
    challenges = _items()
    stability_changes = f.LongText(max_length=5000, allow_none=True)
    implementation_period = f.Text(max_length=300, allow_none=True)
    continuity_means = f.LongText(max_length=5000, allow_none=True)
    elements_to_keep = f.LongText(max_length=5000, allow_none=True)
    conclusions = _items()
    collaborators = f.List(f.Nested(CollaboratorSchema), max_items=50)


class DistributionSchema(StrictSchema):
    id = f.Text(max_length=36, allow_none=True)
    title = f.Text(max_length=300, allow_none=True)
    description = f.LongText(max_length=5000, allow_none=True)
    access_url = f.Url(allow_none=True)
    download_url = f.Url(allow_none=True)
    media_type = f.Text(max_length=120, allow_none=True)
    format = f.Concept("file-types", allow_none=True)
    byte_size = f.Integer(allow_none=True)
    license = f.Concept("licences", allow_none=True)
    language = f.Concept("languages", allow_none=True)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        media = data.get("media_type")
        if media and not _MEDIA_TYPE(media):
            errors["media_type"] = ["Debe ser un tipo de medio IANA, por ejemplo text/csv."]
        size = data.get("byte_size")
        if size is not None and not 0 <= size < 2**62:
            errors["byte_size"] = ["Debe ser un número de bytes mayor o igual a cero."]
        if not (data.get("id") or data.get("access_url") or data.get("download_url")):
            # hosted files (which have an id) need no URL; links do
            errors["access_url"] = ["Indique la dirección de acceso o de descarga."]
        if errors:
            raise ValidationError(errors)


def _MEDIA_TYPE(value: str) -> bool:  # noqa: N802
    return _MEDIA_RE.fullmatch(value) is not None


_MEDIA_RE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


def api_field(spec: Spec) -> Field:
    """The marshmallow field of a registry entry (catalog/registry.py)."""
    optional: dict[str, Any] = {"allow_none": True} if spec.nullable and not spec.needed else {}
    if spec.needed:
        optional["required"] = True
    kind = spec.api
    if kind == "texts":
        item = f.Text(max_length=spec.max_length or 300, min_length=1)
        return f.List(item, max_items=spec.max_items)
    if kind == "concepts":
        schemes = spec.schemes or ((spec.vocab,) if spec.vocab else ())
        return f.List(f.Concept(*schemes, as_uri=bool(spec.schemes)), max_items=spec.max_items)
    if kind == "concept":
        return f.Concept(spec.vocab or "", **optional)
    if kind == "text":
        return f.Text(max_length=spec.max_length or 300, min_length=spec.min_length, **optional)
    if kind == "long":
        return f.LongText(max_length=spec.max_length or 20000, **optional)
    simple: dict[str, type[Field]] = {
        "date": f.Date,
        "url": f.Url,
        "email": f.Email,
        "slug": f.Slug,
    }
    return simple[kind](**optional)


class _ResourceRules(StrictSchema):
    """A resource as publishers send it (`partial=True` loads PATCH bodies): the registry's
    fields and its nested parts (`ResourceSchema` below), and the rules across fields."""

    @pre_load
    def _object(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, dict):
            raise ValidationError("Se esperaba un objeto JSON.")
        return data

    @validates_schema
    def _coherent(self, data: dict[str, Any], *, partial: Any = False, **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        if "status" in data and data["status"] not in (DRAFT, PUBLISHED):
            errors["status"] = ["Use «draft» o «published»; para retirar use POST …/retirar."]
        start, end = data.get("temporal_start"), data.get("temporal_end")
        if start and end and start > end:
            errors["temporal_end"] = ["La fecha final es anterior a la inicial."]
        issued, modified = data.get("issued"), data.get("modified")
        if issued and modified and modified < issued:
            errors["modified"] = ["La fecha de actualización es anterior a la de publicación."]
        if not partial:  # a partial update is checked on the merged resource (services)
            errors.update(access_exceptions.problems(data))
        if errors:
            raise ValidationError(errors)


ResourceSchema = cast(
    type[StrictSchema],
    SchemaMeta(
        "ResourceSchema",
        (_ResourceRules,),
        {spec.name: api_field(spec) for spec in RESOURCE}
        | {
            "norm": f.Nested(NormSchema, allow_none=True),
            "good_practice": f.Nested(GoodPracticeSchema, allow_none=True),
            "distributions": f.List(f.Nested(DistributionSchema), max_items=50),
            "withdrawn_reason": f.LongText(max_length=2000, allow_none=True),
            "__doc__": _ResourceRules.__doc__,
        },
    ),
)


def load(schema: Schema, payload: Any, *, partial: bool = False) -> dict[str, Any]:
    """Validate input or raise Invalid (422) with Spanish messages per field path."""
    if payload is None:
        raise Invalid({"_schema": ["Envíe un cuerpo JSON (Content-Type: application/json)."]})
    try:
        return schema.load(payload, partial=partial)
    except ValidationError as error:
        raise Invalid(flatten_messages(error.messages)) from None


class WithdrawSchema(StrictSchema):
    reason = f.LongText(max_length=2000, min_length=1, required=True)
