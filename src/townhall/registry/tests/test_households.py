"""Households (gezinnen): one reference person, one household per person, history kept."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from townhall.registry import services
from townhall.registry.models import Household, HouseholdMembership
from townhall.registry.tests.factories import AddressFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

Relation = HouseholdMembership.Relation
JAN_2020 = datetime.date(2020, 1, 1)
MAY_2022 = datetime.date(2022, 5, 1)


def current_members(household: Household) -> dict:
    return {m.person: m.relation for m in household.memberships.filter(end_date__isnull=True)}


def test_household_create_with_its_reference_person():
    person = PersonFactory()
    household = services.household_create(
        address=person.domicile,
        reference_person=person,
        start_date=JAN_2020,
        register_number="12345",
    )
    assert current_members(household) == {person: Relation.REFERENCE_PERSON}
    assert household.memberships.get().start_date == JAN_2020


def test_household_add_member():
    household = HouseholdFactory()
    child = PersonFactory()
    membership = services.household_add_member(
        household=household, person=child, relation=Relation.CHILD, start_date=MAY_2022
    )
    assert membership.pk
    assert membership.is_current
    assert current_members(household)[child] == Relation.CHILD


def test_a_second_reference_person_is_refused_by_the_service():
    household = HouseholdFactory()
    errors = _refused(
        services.household_add_member,
        household=household,
        person=PersonFactory(),
        relation=Relation.REFERENCE_PERSON,
        start_date=MAY_2022,
    )
    assert "already has a reference person" in errors["relation"][0]
    assert household.memberships.count() == 1


def test_a_second_reference_person_is_refused_by_the_database():
    household = HouseholdFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMembership.objects.create(
            household=household,
            person=PersonFactory(),
            relation=Relation.REFERENCE_PERSON,
            start_date=MAY_2022,
        )


def test_a_person_in_two_current_households_is_refused_by_the_database():
    first, second = HouseholdFactory(), HouseholdFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMembership.objects.create(
            household=second,
            person=first.memberships.get().person,
            relation=Relation.PARTNER,
            start_date=MAY_2022,
        )


def test_a_membership_ending_before_it_starts_is_refused_by_the_database():
    household = HouseholdFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMembership.objects.create(
            household=household,
            person=PersonFactory(),
            relation=Relation.CHILD,
            start_date=MAY_2022,
            end_date=JAN_2020,
        )


def test_a_person_of_another_household_is_refused_with_the_rule():
    elsewhere = HouseholdFactory()
    person = elsewhere.memberships.get().person
    errors = _refused(
        services.household_add_member,
        household=HouseholdFactory(),
        person=person,
        relation=Relation.PARTNER,
        start_date=MAY_2022,
    )
    message = errors["person"][0]
    assert "one household at a time" in message
    assert str(elsewhere.address) in message


def test_a_member_added_twice_is_refused():
    household = HouseholdFactory()
    child = PersonFactory()
    services.household_add_member(
        household=household, person=child, relation=Relation.CHILD, start_date=MAY_2022
    )
    errors = _refused(
        services.household_add_member,
        household=household,
        person=child,
        relation=Relation.CHILD,
        start_date=MAY_2022,
    )
    assert "already a member" in errors["person"][0]


def test_an_unknown_relation_is_refused():
    errors = _refused(
        services.household_add_member,
        household=HouseholdFactory(),
        person=PersonFactory(),
        relation="cousin",
        start_date=MAY_2022,
    )
    assert list(errors) == ["relation"]


def test_household_create_for_a_person_of_another_household_saves_nothing():
    elsewhere = HouseholdFactory()
    person = elsewhere.memberships.get().person
    before = (Household.objects.count(), HouseholdMembership.objects.count())
    errors = _refused(
        services.household_create,
        address=AddressFactory(),
        reference_person=person,
        start_date=MAY_2022,
    )
    assert "end that membership first" in errors["reference_person"][0]
    assert (Household.objects.count(), HouseholdMembership.objects.count()) == before


def test_a_member_leaves_and_the_history_keeps_the_dates():
    household = HouseholdFactory()
    child = PersonFactory()
    membership = services.household_add_member(
        household=household, person=child, relation=Relation.CHILD, start_date=MAY_2022
    )
    services.household_end_membership(membership=membership, end_date=datetime.date(2024, 9, 1))
    membership.refresh_from_db()
    assert (membership.start_date, membership.end_date) == (MAY_2022, datetime.date(2024, 9, 1))
    assert child not in current_members(household)
    # Having left, the child may found a household of their own.
    own = services.household_create(
        address=AddressFactory(), reference_person=child, start_date=datetime.date(2024, 9, 1)
    )
    assert [(m.household, m.is_current) for m in child.memberships.order_by("start_date")] == [
        (household, False),
        (own, True),
    ]


def test_the_reference_person_cannot_leave_while_others_remain():
    household = HouseholdFactory()
    services.household_add_member(
        household=household,
        person=PersonFactory(),
        relation=Relation.PARTNER,
        start_date=MAY_2022,
    )
    reference = household.memberships.get(relation=Relation.REFERENCE_PERSON)
    errors = _refused(
        services.household_end_membership, membership=reference, end_date=datetime.date(2024, 1, 1)
    )
    assert "name a new reference person first" in errors["person"][0]
    reference.refresh_from_db()
    assert reference.end_date is None


def test_the_reference_person_can_leave_as_the_last_member():
    household = HouseholdFactory()
    reference = household.memberships.get()
    services.household_end_membership(membership=reference, end_date=datetime.date(2024, 1, 1))
    assert current_members(household) == {}


def test_a_membership_cannot_end_before_it_starts_or_twice():
    household = HouseholdFactory()
    reference = household.memberships.get()
    errors = _refused(
        services.household_end_membership, membership=reference, end_date=datetime.date(2019, 1, 1)
    )
    assert list(errors) == ["end_date"]
    services.household_end_membership(membership=reference, end_date=datetime.date(2024, 1, 1))
    errors = _refused(
        services.household_end_membership, membership=reference, end_date=datetime.date(2025, 1, 1)
    )
    assert "already ended" in errors["end_date"][0]


def test_change_of_reference_person_keeps_the_history():
    household = HouseholdFactory()
    former = household.memberships.get().person
    partner = PersonFactory()
    services.household_add_member(
        household=household, person=partner, relation=Relation.PARTNER, start_date=MAY_2022
    )
    change_date = datetime.date(2024, 3, 1)
    services.household_change_reference_person(
        household=household,
        new_reference=partner,
        date=change_date,
        former_relation=Relation.PARTNER,
    )
    assert current_members(household) == {
        partner: Relation.REFERENCE_PERSON,
        former: Relation.PARTNER,
    }
    history = [
        (m.person, m.relation, m.start_date, m.end_date)
        for m in household.memberships.order_by("start_date", "person_id")
    ]
    assert (former, Relation.REFERENCE_PERSON, JAN_2020, change_date) in history
    assert (partner, Relation.PARTNER, MAY_2022, change_date) in history
    assert (former, Relation.PARTNER, change_date, None) in history
    assert (partner, Relation.REFERENCE_PERSON, change_date, None) in history
    assert len(history) == 4


def test_change_of_reference_person_to_the_same_person_changes_nothing():
    household = HouseholdFactory()
    reference = household.memberships.get().person
    services.household_change_reference_person(
        household=household,
        new_reference=reference,
        date=MAY_2022,
        former_relation=Relation.PARTNER,
    )
    assert household.memberships.count() == 1


def test_change_of_reference_person_to_a_non_member_is_refused():
    household = HouseholdFactory()
    errors = _refused(
        services.household_change_reference_person,
        household=household,
        new_reference=PersonFactory(),
        date=MAY_2022,
        former_relation=Relation.PARTNER,
    )
    assert "current member" in errors["reference_person"][0]


@pytest.mark.parametrize("former_relation", [Relation.REFERENCE_PERSON, "", "cousin"])
def test_change_of_reference_person_needs_a_real_former_relation(former_relation):
    household, partner = _household_with_partner()
    errors = _refused(
        services.household_change_reference_person,
        household=household,
        new_reference=partner,
        date=datetime.date(2024, 3, 1),
        former_relation=former_relation,
    )
    assert list(errors) == ["former_relation"]
    assert household.memberships.count() == 2


def test_change_of_reference_person_before_a_membership_started_is_refused():
    household, partner = _household_with_partner()
    errors = _refused(
        services.household_change_reference_person,
        household=household,
        new_reference=partner,
        date=datetime.date(2021, 1, 1),
        former_relation=Relation.PARTNER,
    )
    assert list(errors) == ["date"]
    assert household.memberships.filter(end_date__isnull=False).count() == 0
    assert household.memberships.count() == 2


def _household_with_partner():
    household = HouseholdFactory()
    partner = PersonFactory()
    services.household_add_member(
        household=household, person=partner, relation=Relation.PARTNER, start_date=MAY_2022
    )
    return household, partner


def _refused(service, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    return caught.value.message_dict
