"""Staff edits of a person go through ``person_update``: checked, saved with their
record sources in one transaction, and announced after the commit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from townhall.registry import provenance, services
from townhall.registry.events import person_contact_changed, person_moved
from townhall.registry.models import Person
from townhall.registry.provenance import FieldGroup, RecordSource, Source
from townhall.registry.tests.factories import AddressFactory, PersonFactory, StaffUserFactory
from townhall.registry.tests.test_admin import change_url, give_purpose, person_form
from townhall.tests.events import events_received

pytestmark = pytest.mark.django_db


@pytest.fixture
def jan(db):
    return PersonFactory(
        visitor=True, given_names="Jan", family_name="Peeters", sex="x", email="jan@example.org"
    )


def test_a_change_is_saved_with_its_sources_and_announced_after_the_commit(
    jan, django_capture_on_commit_callbacks
):
    actor = StaffUserFactory()
    old_home, new_home = jan.domicile, AddressFactory()

    with (
        events_received(person_moved, person_contact_changed) as got,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.person_update(
            person=jan,
            changes={"domicile": new_home, "email": " jan@new.example.org ", "language": "fr"},
            actor=actor,
            source=provenance.BY_STAFF,
        )
        assert got == []

    stored = Person.objects.get(pk=jan.pk)
    assert (stored.domicile, stored.email) == (new_home, "jan@new.example.org")
    assert stored.language == "fr"
    sources = {r.group: r for r in RecordSource.objects.filter(person=jan)}
    assert set(sources) == {FieldGroup.DOMICILE, FieldGroup.CONTACT, FieldGroup.PREFERENCES}
    assert sources[FieldGroup.DOMICILE].source == Source.POPULATION_REGISTER
    assert sources[FieldGroup.CONTACT].source == Source.COUNTER
    assert sources[FieldGroup.CONTACT].recorded_by == actor
    moved, contact = got
    assert moved.type == "be.townhall.registry.person.moved"
    assert moved.data == {"person": jan.pk, "from_address": old_home.pk, "to_address": new_home.pk}
    assert contact.type == "be.townhall.registry.person.contact_changed"
    assert contact.data == {"person": jan.pk, "fields": ["email"]}
    assert contact.subject == f"person/{jan.pk}"


def test_an_unchanged_person_writes_and_sends_nothing(jan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.person_update(
            person=jan, changes={"family_name": "Peeters"}, actor=None, source=Source.COUNTER
        )
    assert callbacks == []
    assert not RecordSource.objects.filter(person=jan).exists()


def test_a_source_given_applies_to_every_group_changed(jan):
    services.person_update(
        person=jan,
        changes={"family_name": "Peters", "mobile": "0470 12 34 56"},
        actor=None,
        source=Source.POPULATION_REGISTER,
    )
    jan.refresh_from_db()
    assert jan.mobile == "+32470123456"
    assert set(RecordSource.objects.filter(person=jan).values_list("group", "source")) == {
        (FieldGroup.IDENTITY, Source.POPULATION_REGISTER),
        (FieldGroup.CONTACT, Source.POPULATION_REGISTER),
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"birth_date": datetime.date(2999, 1, 1)}, "birth_date", "cannot lie in the future"),
        ({"mobile": "12"}, "mobile", "not a valid telephone number"),
        ({"given_names": "  "}, "given_names", "cannot be blank"),
        (
            {"national_number": "85073003328", "sex": "f"},
            "sex",
            "does not match the national register number",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    jan, changes, field, message, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ValidationError) as raised,
    ):
        services.person_update(person=jan, changes=changes, actor=None, source=Source.COUNTER)
    assert message in " ".join(raised.value.message_dict[field])
    assert Person.objects.get(pk=jan.pk).family_name == "Peeters"
    assert not RecordSource.objects.filter(person=jan).exists()
    assert callbacks == []


def test_a_number_another_person_has_is_refused(jan):
    PersonFactory(
        national_number="85073003328", birth_date=datetime.date(1985, 7, 30), sex=Person.Sex.MALE
    )
    with pytest.raises(ValidationError) as raised:
        services.person_update(
            person=jan,
            changes={"national_number": "85073003328", "birth_date": None},
            actor=None,
            source=Source.COUNTER,
        )
    assert raised.value.message_dict["national_number"] == [
        "A person with this national register number already exists."
    ]
    assert Person.objects.get(pk=jan.pk).national_number_hash is None


def test_a_field_the_service_does_not_change_is_a_programming_error(jan):
    with pytest.raises(ValueError, match="national_number_hash"):
        services.person_update(
            person=jan, changes={"national_number_hash": "x"}, actor=None, source=Source.COUNTER
        )
    with pytest.raises(ValueError, match="Unknown source"):
        services.person_update(
            person=jan, changes={"family_name": "X"}, actor=None, source="hearsay"
        )


# --- Through the admin ------------------------------------------------------


def test_a_staff_edit_in_the_admin_goes_through_the_service(
    staff_client, superuser, jan, django_capture_on_commit_callbacks
):
    new_home = AddressFactory()
    give_purpose(staff_client, jan)

    with (
        events_received(person_moved, person_contact_changed) as got,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = staff_client.post(
            change_url(jan),
            person_form(family_name="Peters", domicile=new_home.pk, email="jan@example.org"),
        )
        assert response.status_code == 302
        # Saved and its sources recorded, but nothing announced before the commit.
        assert got == []
        assert RecordSource.objects.filter(person=jan, group=FieldGroup.DOMICILE).exists()

    jan.refresh_from_db()
    assert (jan.family_name, jan.domicile) == ("Peters", new_home)
    identity = RecordSource.objects.get(person=jan, group=FieldGroup.IDENTITY)
    assert (identity.source, identity.recorded_by) == (Source.POPULATION_REGISTER, superuser)
    assert [event.type for event in got] == ["be.townhall.registry.person.moved"]
    assert got[0].data["to_address"] == new_home.pk


def test_a_failure_in_provenance_rolls_the_admin_change_back(
    staff_client, jan, monkeypatch, django_capture_on_commit_callbacks
):
    give_purpose(staff_client, jan)

    def failing(**kwargs):
        raise IntegrityError("the record sources could not be written")

    monkeypatch.setattr(provenance, "record_source_set", failing)
    new_home = AddressFactory()
    with (
        events_received(person_moved, person_contact_changed) as got,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(IntegrityError),
    ):
        staff_client.post(change_url(jan), person_form(family_name="Peters", domicile=new_home.pk))

    stored = Person.objects.get(pk=jan.pk)
    assert (stored.family_name, stored.domicile_id) == ("Peeters", jan.domicile_id)
    assert got == []


def test_the_admin_change_is_the_outermost_transaction_of_its_request(staff_client, jan):
    give_purpose(staff_client, jan)
    # Inside another transaction its events would wait for a commit it does not control.
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        staff_client.post(change_url(jan), person_form(family_name="Peters"))
