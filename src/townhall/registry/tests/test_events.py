"""The registry's events: which service sends which, with what, and only after the commit."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from townhall.registry import services
from townhall.registry.corrections import correction_request_create
from townhall.registry.events import correction_requested, household_changed, person_contact_changed
from townhall.registry.models import HouseholdMembership
from townhall.registry.tests.factories import HouseholdFactory, PersonFactory
from townhall.registry.tests.test_contact import update
from townhall.tests.events import events_received

pytestmark = pytest.mark.django_db

Relation = HouseholdMembership.Relation
MAY_2022 = datetime.date(2022, 5, 1)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_contact_change_on_my_data_says_which_fields_changed(committed):
    person = PersonFactory(email="an@example.org", mobile="")
    with events_received(person_contact_changed) as got, committed():
        update(person, mobile="0470 12 34 56")
        update(person, language="fr")  # a preference, not a contact detail
        assert got == []
    [event] = got
    assert event.data == {"person": person.pk, "fields": ["mobile"]}
    # Which fields, never their values: the event may leave the municipality later.
    assert "+32470123456" not in str(event.as_cloudevent())


def test_every_change_of_a_household_is_announced(committed):
    with events_received(household_changed) as got, committed():
        household = HouseholdFactory()
        reference = household.memberships.get().person
        child = PersonFactory(domicile=household.address)
        membership = services.household_add_member(
            household=household, person=child, relation=Relation.CHILD, start_date=MAY_2022
        )
        services.household_change_reference_person(
            household=household, new_reference=child, date=MAY_2022, former_relation=Relation.PARENT
        )
        membership = household.memberships.get(person=reference, end_date__isnull=True)
        services.household_end_membership(membership=membership, end_date=MAY_2022)
        assert got == []

    assert [(e.data["change"], e.data["persons"]) for e in got] == [
        ("created", [reference.pk]),
        ("member_added", [child.pk]),
        ("reference_person_changed", [child.pk, reference.pk]),
        ("member_left", [reference.pk]),
    ]
    assert {e.subject for e in got} == {f"household/{household.pk}"}
    assert {e.type for e in got} == {"be.townhall.registry.household.changed"}


def test_a_refused_household_change_sends_nothing(committed):
    household = HouseholdFactory()
    other = PersonFactory()
    with (
        events_received(household_changed) as got,
        committed(),
        pytest.raises(ValidationError, match="already has a reference person"),
    ):
        services.household_add_member(
            household=household,
            person=other,
            relation=Relation.REFERENCE_PERSON,
            start_date=MAY_2022,
        )
    assert got == []


def test_a_correction_request_is_announced_to_its_department(committed):
    person = PersonFactory()
    with events_received(correction_requested) as got, committed():
        correction = correction_request_create(
            person=person, item_key="family_name", remark="It is Vandenberghe.", reported_by=None
        )
    [event] = got
    assert event.type == "be.townhall.registry.correction.requested"
    assert event.subject == f"correction-request/{correction.pk}"
    assert event.data == {
        "correction_request": correction.pk,
        "person": person.pk,
        "item_key": "family_name",
        "department": "citizens_affairs",
    }
