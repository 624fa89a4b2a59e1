"""One declaration per field: the snapshot, the bulk-import columns, the form and the DCAT
profile all read the registry, and agree with it."""

from __future__ import annotations

from catalog.models import Resource
from catalog.rdf import profile
from catalog.registry import BY_NAME, RESOURCE
from catalog.services import bulk_import, snapshot
from catalog.workspace import form


def test_every_declared_field_is_a_model_attribute_or_relation():
    for spec in RESOURCE:
        assert hasattr(Resource, spec.name) or spec.name in ("status", "slug"), spec.name


def test_revisions_store_and_label_what_the_registry_declares():
    assert snapshot.RESOURCE_FIELDS == {s.name: s.kind == "date" for s in RESOURCE if s.stored}
    for spec in RESOURCE:
        assert snapshot.FIELD_LABELS[spec.name] == spec.label
    assert snapshot.summarize({"version_notes": ["a", "b"]}) == "cambios en notas de versión"


def test_import_columns_come_from_the_registry():
    own = [c for c in bulk_import.COLUMNS if "." not in c.path]
    assert [(c.header, c.path) for c in own] == [(s.column, s.name) for s in RESOURCE if s.column]
    by_path = {c.path: c for c in own}
    for spec in RESOURCE:
        if spec.column:
            column = by_path[spec.name]
            assert column.is_date == (spec.kind == "date") and column.vocab == spec.vocab
            assert column.is_list == (spec.kind == "list") and column.required == spec.required


def test_the_form_shows_each_field_as_declared():
    shown = {
        item.name: item
        for section in form.COMMON
        for item in section.items
        if isinstance(item, form.Field) and "." not in item.name
    }
    assert shown, "the form lists resource fields"
    for name, field in shown.items():
        declared = BY_NAME[name].form
        assert declared is not None and field.label == declared.label, name
        assert field.kind == declared.widget and field.scheme == declared.scheme, name


def test_the_dcat_profile_publishes_only_declared_public_fields():
    for prop in profile.DATASET:
        spec = BY_NAME[prop.field]
        assert spec.public and not spec.personal, prop.field


def test_every_field_with_a_form_widget_is_in_the_form_once():
    names = [
        item.name
        for section in form.COMMON
        for item in section.items
        if isinstance(item, form.Field) and "." not in item.name
    ]
    assert sorted(names) == sorted(s.name for s in RESOURCE if s.form)


def test_the_api_schema_is_the_registry():
    from catalog.schemas.resources import ResourceSchema

    fields = ResourceSchema().fields
    for spec in RESOURCE:
        field = fields[spec.name]
        assert field.required == spec.needed, spec.name
        if spec.max_length and spec.api in ("text", "long"):
            assert field.max_length == spec.max_length, spec.name


def test_personal_parts_are_published_only_as_declared():
    from types import SimpleNamespace

    from catalog.registry import COLLABORATOR, public_parts

    person = SimpleNamespace(
        name="Ana", link_type="Contratista", phone="3001234567", email="a@b.co"
    )
    assert public_parts(COLLABORATOR, person, allowed=True) == {
        "name": "Ana",
        "link_type": "Contratista",
        "email": "a@b.co",
    }
    assert public_parts(COLLABORATOR, person, allowed=False) == {"link_type": "Contratista"}
    assert public_parts(COLLABORATOR, vars(person), allowed=True)["email"] == "a@b.co"
