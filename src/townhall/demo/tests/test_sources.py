"""The demo seed says where its data came from, so My data shows a source beside every item."""

import pytest
from django.utils import translation

from townhall.demo.services import demo_seed
from townhall.registry.models import Organisation, Person
from townhall.registry.prefill import prefill

pytestmark = pytest.mark.django_db


def test_the_seed_records_the_source_of_persons_and_organisations():
    demo_seed(seed=8770, scale=0.02)
    resident = Person.objects.filter(state=Person.State.RESIDENT).exclude(email="").first()
    visitor = Person.objects.filter(state=Person.State.NOT_RESIDENT).first()
    business = Organisation.objects.filter(kind=Organisation.Kind.BUSINESS).first()
    with translation.override("en"):
        values = prefill(resident, ["family_name", "address", "household_members", "email"])
        assert str(values["family_name"].provenance) == "population register, 2026-01-01"
        assert str(values["address"].provenance) == "population register, 2026-01-01"
        assert str(values["household_members"].provenance) == "population register, 2026-01-01"
        assert str(values["email"].provenance) == "the resident, 2026-01-01"
        visitor_name = prefill(visitor, ["family_name"])["family_name"]
        assert str(visitor_name.provenance) == "the municipality's counter, 2026-01-01"
        name = prefill(business, ["regorg:legalName"])["regorg:legalName"]
        assert str(name.provenance) == "Crossroads Bank for Enterprises, 2026-01-01"
