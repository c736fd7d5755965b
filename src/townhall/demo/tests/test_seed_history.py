"""The demo seed writes the first version of every record of the register, as "demo seed"."""

import pytest

from townhall.demo.services import demo_seed
from townhall.registry.models import (
    Address,
    Household,
    HouseholdMembership,
    Organisation,
    OrganisationAddress,
    Person,
    Representative,
)

pytestmark = pytest.mark.django_db


def test_the_seed_gives_each_record_one_first_version_as_the_demo_seed():
    demo_seed(seed=8770, scale=0.02)
    for model in (
        Address,
        Person,
        Household,
        HouseholdMembership,
        Organisation,
        OrganisationAddress,
        Representative,
    ):
        assert model.history.count() == model.objects.count() > 0, model
        assert set(
            model.history.values_list("history_type", "history_change_reason", "history_user")
        ) == {("+", "demo seed", None)}, model
    resident = Person.objects.exclude(national_number_masked="").first()
    assert resident.history.get().national_number_masked == resident.national_number_masked
