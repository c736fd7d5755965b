"""The mandates a person gave and received, each with the other person, in one query."""

import pytest

from townhall.accounts.selectors import mandate_list_given, mandate_list_received
from townhall.accounts.services import mandate_grant
from townhall.accounts.tests.residents import in_a_year, resident

pytestmark = pytest.mark.django_db


def test_mandates_given_and_received_with_the_other_person(django_assert_num_queries):
    an, an_user, _ = resident("An", "Claeys", "800101002")
    others = [
        resident(name, "Maes", nine) for name, nine in (("Jef", "790202003"), ("Mia", "750505005"))
    ]
    for other, other_user, _ in others:
        mandate_grant(
            grantor=an, grantee=other, scope="all", valid_until=in_a_year(), actor=an_user
        )
        mandate_grant(
            grantor=other, grantee=an, scope="all", valid_until=in_a_year(), actor=other_user
        )
    with django_assert_num_queries(1):
        assert {m.grantee.given_names for m in mandate_list_given(person=an)} == {"Jef", "Mia"}
    with django_assert_num_queries(1):
        assert {m.grantor.given_names for m in mandate_list_received(person=an)} == {"Jef", "Mia"}
