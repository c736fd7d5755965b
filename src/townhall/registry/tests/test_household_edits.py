"""Staff edits of a household in the admin go through ``household_memberships_edit``:
checked, saved with the household's source in one transaction, and announced after
the commit."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse

from townhall.registry import provenance
from townhall.registry.events import household_changed
from townhall.registry.household_edits import household_memberships_edit
from townhall.registry.models import Household, HouseholdMembership
from townhall.registry.provenance import FieldGroup, RecordSource, Source
from townhall.registry.tests.factories import (
    AddressFactory,
    HouseholdFactory,
    PersonFactory,
    StaffUserFactory,
)
from townhall.registry.tests.test_admin import (
    formset_errors,
    give_record_purpose,
    give_search_purpose,
    household_form,
    row,
)
from townhall.tests.events import events_received

pytestmark = pytest.mark.django_db

Relation = HouseholdMembership.Relation
MARCH_2024 = datetime.date(2024, 3, 1)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def household(db):
    """A household of a reference person (since 2020) and a partner (since 2021)."""
    household = HouseholdFactory()
    HouseholdMembership.objects.create(
        household=household,
        person=PersonFactory(),
        relation=Relation.PARTNER,
        start_date=datetime.date(2021, 1, 1),
    )
    return household


@pytest.fixture
def household_client(staff_client, household):
    """A staff session that gave the purpose of the household's page (and so of its search)."""
    give_search_purpose(staff_client)
    give_record_purpose(staff_client, household)
    return staff_client


def members(household) -> tuple[HouseholdMembership, HouseholdMembership]:
    current = household.memberships.filter(end_date__isnull=True)
    return current.get(relation=Relation.REFERENCE_PERSON), current.get(relation=Relation.PARTNER)


def change(client, household, rows, *, initial):
    return client.post(
        reverse("admin:registry_household_change", args=[household.pk]),
        household_form(household.address, rows, initial=initial),
    )


def summary(events) -> list[tuple[str, list[int]]]:
    return [(event.data["change"], event.data["persons"]) for event in events]


def test_adding_a_member_in_the_inline_is_saved_with_its_source_and_announced_after_the_commit(
    household_client, household, superuser, committed
):
    reference, partner = members(household)
    child = PersonFactory()
    with events_received(household_changed) as got, committed():
        response = change(
            household_client,
            household,
            [
                row(reference.person, Relation.REFERENCE_PERSON, membership=reference),
                row(partner.person, Relation.PARTNER, "2021-01-01", membership=partner),
                row(child, Relation.CHILD, "2024-03-01"),
            ],
            initial=2,
        )
        assert response.status_code == 302, formset_errors(response)
        # Saved with its source, but nothing announced before the commit.
        assert got == []
        assert household.memberships.filter(person=child, end_date__isnull=True).exists()

    [event] = got
    assert event.type == "be.townhall.registry.household.changed"
    assert event.subject == f"household/{household.pk}"
    assert event.data == {
        "household": household.pk,
        "change": "member_added",
        "persons": [child.pk],
    }
    source = RecordSource.objects.get(person=child, group=FieldGroup.HOUSEHOLD)
    assert (source.source, source.detail, source.recorded_by) == (
        Source.POPULATION_REGISTER,
        provenance.CHANGED_BY_STAFF,
        superuser,
    )
    # Only the person whose membership changed gets a new source.
    assert not RecordSource.objects.filter(person=partner.person, group=FieldGroup.HOUSEHOLD)


def test_a_new_household_in_the_admin_is_announced_as_created(staff_client, committed):
    give_search_purpose(staff_client)
    first, second = PersonFactory(), PersonFactory()
    with events_received(household_changed) as got, committed():
        response = staff_client.post(
            reverse("admin:registry_household_add"),
            household_form(
                AddressFactory(),
                [row(first, Relation.REFERENCE_PERSON), row(second, Relation.PARTNER)],
            ),
        )
        assert response.status_code == 302, formset_errors(response)
    household = Household.objects.get()
    assert {event.subject for event in got} == {f"household/{household.pk}"}
    # As household_create and household_add_member tell it.
    assert summary(got) == [("created", [first.pk]), ("member_added", [second.pk])]
    assert set(
        RecordSource.objects.filter(group=FieldGroup.HOUSEHOLD).values_list("person", flat=True)
    ) == {first.pk, second.pk}


def test_swapping_the_reference_person_in_the_inline_is_announced_once(
    household_client, household, committed
):
    reference, partner = members(household)
    with events_received(household_changed) as got, committed():
        response = change(
            household_client,
            household,
            [
                row(partner.person, Relation.REFERENCE_PERSON, "2021-01-01", membership=partner),
                row(reference.person, Relation.PARTNER, membership=reference),
            ],
            initial=2,
        )
        assert response.status_code == 302, formset_errors(response)
    assert summary(got) == [
        ("reference_person_changed", sorted([reference.person_id, partner.person_id]))
    ]


def test_a_hand_over_in_the_inline_says_who_left_who_came_and_the_new_reference(
    household_client, household, committed
):
    reference, partner = members(household)
    newcomer = PersonFactory()
    with events_received(household_changed) as got, committed():
        response = change(
            household_client,
            household,
            [
                row(
                    reference.person,
                    Relation.REFERENCE_PERSON,
                    end="2024-03-01",
                    membership=reference,
                ),
                row(
                    partner.person,
                    Relation.PARTNER,
                    "2021-01-01",
                    end="2024-03-01",
                    membership=partner,
                ),
                row(newcomer, Relation.REFERENCE_PERSON, start="2024-03-01"),
            ],
            initial=2,
        )
        assert response.status_code == 302, formset_errors(response)
    assert summary(got) == [
        ("member_added", [newcomer.pk]),
        ("member_left", sorted([reference.person_id, partner.person_id])),
        ("reference_person_changed", sorted([reference.person_id, newcomer.pk])),
    ]
    reference.refresh_from_db()
    assert reference.end_date == MARCH_2024


def test_a_corrected_relation_or_a_removed_row_is_announced_as_a_correction(
    household_client, household, committed
):
    reference, partner = members(household)
    former = HouseholdMembership.objects.create(
        household=household,
        person=PersonFactory(),
        relation=Relation.CHILD,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2022, 1, 1),
    )
    with events_received(household_changed) as got, committed():
        response = change(
            household_client,
            household,
            [
                row(reference.person, Relation.REFERENCE_PERSON, membership=reference),
                row(partner.person, Relation.SIBLING, "2021-01-01", membership=partner),
                {
                    **row(former.person, Relation.CHILD, end="2022-01-01", membership=former),
                    "DELETE": "on",
                },
            ],
            initial=3,
        )
        assert response.status_code == 302, formset_errors(response)
    assert summary(got) == [("membership_corrected", sorted([partner.person_id, former.person_id]))]
    assert not HouseholdMembership.objects.filter(pk=former.pk).exists()
    partner.refresh_from_db()
    assert partner.relation == Relation.SIBLING


def test_saving_the_household_without_changing_its_members_announces_nothing(
    household_client, household, committed
):
    reference, partner = members(household)
    with events_received(household_changed) as got, committed():
        response = change(
            household_client,
            household,
            [
                row(reference.person, Relation.REFERENCE_PERSON, membership=reference),
                row(partner.person, Relation.PARTNER, "2021-01-01", membership=partner),
            ],
            initial=2,
        )
        assert response.status_code == 302, formset_errors(response)
    assert got == []
    assert not RecordSource.objects.filter(group=FieldGroup.HOUSEHOLD).exists()


def test_a_refused_inline_saves_and_announces_nothing(household_client, household, committed):
    reference, partner = members(household)
    with events_received(household_changed) as got, committed():
        response = change(
            household_client,
            household,
            [
                row(reference.person, Relation.REFERENCE_PERSON, membership=reference),
                row(partner.person, Relation.REFERENCE_PERSON, "2021-01-01", membership=partner),
            ],
            initial=2,
        )
    assert "would have 2" in formset_errors(response)
    assert got == []
    partner.refresh_from_db()
    assert partner.relation == Relation.PARTNER


def test_a_member_taken_by_another_household_meanwhile_saves_nothing_and_says_why(
    household_client, household, committed
):
    reference, partner = members(household)
    child = PersonFactory()
    registered = []

    def someone_else_registers_the_child(sender, instance, **kwargs):
        # Another staff member, between this form's check and the save of its rows.
        if not registered:
            registered.append(child)  # once: the other household is saved too
            HouseholdFactory(reference_person=child)

    post_save.connect(someone_else_registers_the_child, sender=Household, weak=False)
    try:
        with events_received(household_changed) as got, committed():
            response = change(
                household_client,
                household,
                [
                    row(reference.person, Relation.REFERENCE_PERSON, membership=reference),
                    row(partner.person, Relation.PARTNER, "2021-01-01", membership=partner),
                    row(child, Relation.CHILD, "2024-03-01"),
                ],
                initial=2,
            )
    finally:
        post_save.disconnect(someone_else_registers_the_child, sender=Household)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:registry_household_change", args=[household.pk])
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("The household was not saved:")
    assert "one household at a time" in message
    # The whole change form rolled back: the other household too, since it was made
    # inside this request's transaction here; this household gained nobody.
    assert not household.memberships.filter(person=child).exists()
    assert got == []


def test_the_household_change_is_the_outermost_transaction_of_its_request(
    household_client, household
):
    reference, partner = members(household)
    # Inside another transaction its events would wait for a commit it does not control.
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        change(
            household_client,
            household,
            [
                row(reference.person, Relation.REFERENCE_PERSON, membership=reference),
                row(partner.person, Relation.PARTNER, "2021-01-01", membership=partner),
            ],
            initial=2,
        )


# --- The service itself -------------------------------------------------------


def test_the_service_checks_the_rows_as_the_database_holds_them(household):
    _reference, partner = members(household)
    partner.relation = Relation.REFERENCE_PERSON
    with pytest.raises(ValidationError, match="would have 2"):
        household_memberships_edit(
            household=household, saved=[partner], deleted=[], actor=StaffUserFactory()
        )
    partner.refresh_from_db()
    assert partner.relation == Relation.PARTNER
    assert not RecordSource.objects.filter(group=FieldGroup.HOUSEHOLD).exists()


def test_the_service_refuses_a_membership_of_another_household(household):
    other = HouseholdFactory().memberships.get()
    with pytest.raises(ValueError, match="this household"):
        household_memberships_edit(
            household=household, saved=[], deleted=[other], actor=StaffUserFactory()
        )
    assert HouseholdMembership.objects.filter(pk=other.pk).exists()
