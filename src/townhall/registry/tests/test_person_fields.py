"""One declaration of a person's fields (person_fields), and the lists derived from it."""

import dataclasses

import pytest

from townhall.registry.admin.persons import PersonAdmin, PersonAdminForm
from townhall.registry.connectors import PersonRecord
from townhall.registry.connectors.local import RECORD_COLUMNS
from townhall.registry.models import Person
from townhall.registry.my_data import IDENTITY_KEYS, person_items
from townhall.registry.person_fields import (
    BOOKKEEPING,
    BY_NAME,
    COLUMNS,
    NUMBER_COLUMNS,
    PERSON_FIELDS,
    STAFF_EDITABLE,
)
from townhall.registry.prefill import PERSON_ATTRIBUTES, prefill
from townhall.registry.provenance import PERSON_FIELD_GROUPS, FieldGroup
from townhall.registry.tests.factories import PersonFactory


def test_the_schema_covers_every_column_of_person_that_holds_personal_data():
    # A new column of Person fails here until person_fields says what it is.
    concrete = {field.attname.removesuffix("_id") for field in Person._meta.concrete_fields}
    assert sorted(COLUMNS) == sorted(concrete - set(BOOKKEEPING))
    assert len(COLUMNS) == len(set(COLUMNS))


def test_each_group_is_a_group_of_the_record_sources():
    groups = {field.group for field in PERSON_FIELDS} - {None}
    assert groups <= set(FieldGroup.values)
    assert PERSON_FIELD_GROUPS["language"] == FieldGroup.PREFERENCES
    assert PERSON_FIELD_GROUPS["birth_date_precision"] == FieldGroup.IDENTITY
    assert PERSON_FIELD_GROUPS["national_number"] == FieldGroup.IDENTITY
    assert "state" not in PERSON_FIELD_GROUPS


def test_the_admin_form_edits_every_column_but_the_numbers_stored_forms():
    assert list(PersonAdminForm.Meta.fields) == list(STAFF_EDITABLE)
    assert set(STAFF_EDITABLE) == set(COLUMNS) - set(NUMBER_COLUMNS)
    in_fieldsets = [name for _title, box in PersonAdmin.fieldsets for name in box["fields"]]
    assert set(STAFF_EDITABLE) <= set(in_fieldsets)
    assert len(in_fieldsets) == len(set(in_fieldsets))


def test_a_record_never_holds_the_number_in_clear_or_its_hash():
    declared = {field.name for field in dataclasses.fields(PersonRecord)}
    assert not {"national_number_hash", "national_number_encrypted"} & declared
    assert set(RECORD_COLUMNS) == (set(COLUMNS) & declared) - {"domicile"}


def test_every_prefilled_field_is_in_the_prefill_catalogue_by_its_oslo_term():
    names = {name for attribute in PERSON_ATTRIBUTES for name in attribute.names}
    for field in PERSON_FIELDS:
        assert (field.oslo in names) is field.prefilled, field.name


@pytest.mark.django_db
def test_prefill_and_my_data_read_the_fields_as_the_schema_declares_them():
    person = PersonFactory(given_names="An", language="fr", email="an@example.org")
    values = prefill(person, [field.oslo for field in PERSON_FIELDS if field.prefilled])
    assert values["persoon:gebruikteVoornaam"].value == "An"
    assert values["schema:knowsLanguage"].value == "fr"
    assert values["adms:identifier"].value == person.national_number_masked
    assert values["schema:email"].label == "E-mail"

    _record, items = person_items(person)
    assert [key for key in items if key in IDENTITY_KEYS] == list(IDENTITY_KEYS)
    assert items["language"].value == "French"
    assert items["given_names"].label == str(BY_NAME["given_names"].label)
    # What the resident changes themselves is not a correction to ask for.
    assert not items["language"].correctable
    assert not items["email"].correctable
    assert items["family_name"].correctable
