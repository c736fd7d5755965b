"""The mandate form does not tell who lives here: one answer for an unknown number, a
known number with another name, or a deceased person; and look-ups are rate-limited
per account and per client address (HTTP 429)."""

import re

import pytest
from django.urls import reverse

from townhall.accounts.mandate_views import LOOKUPS_PER_ACCOUNT, LOOKUPS_PER_CLIENT
from townhall.accounts.models import Mandate
from townhall.accounts.rate_limits import RateLimit, RateLimitExceeded
from townhall.accounts.tests.residents import check_digits, in_a_year, resident, sign_in
from townhall.registry.models import Person

pytestmark = pytest.mark.django_db

MANDATES = reverse("accounts:mandates")


@pytest.fixture
def grandma(client):
    _person, user, _number = resident("Maria", "Desmet", "400101034")
    sign_in(client, user)
    return user


def ask(client, number, family_name, **extra):
    return client.post(
        MANDATES,
        {
            "grantee_number": number,
            "grantee_family_name": family_name,
            "scope": "certificates",
            "valid_until": in_a_year().isoformat(),
        },
        **extra,
    )


def answer(response) -> str:
    """The page as the person sees it, without the per-response CSRF token and the
    number and name they typed (shown back to them as they typed them)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'name="(grantee_number|grantee_family_name)" value="[^"]*"', "", html)


def test_the_answer_is_the_same_whether_or_not_the_person_exists(client, grandma):
    _son, _user, son_number = resident("Jan", "Desmet", "700101033")
    _late, _late_user, late_number = resident("Rik", "Desmet", "300101036")
    Person.objects.filter(given_names="Rik").update(state=Person.State.DECEASED)
    nobody = check_digits("850730123", born_2000_or_later=False)
    assert not Person.objects.filter(given_names="Marie").exists()

    unknown = ask(client, nobody, "Desmet")
    wrong_name = ask(client, son_number, "Peeters")
    deceased = ask(client, late_number, "Desmet")
    assert unknown.status_code == wrong_name.status_code == deceased.status_code == 200
    assert answer(unknown) == answer(wrong_name) == answer(deceased)
    assert "We cannot give a mandate to a person with this number and family name" in answer(
        unknown
    )
    assert not Mandate.objects.exists()

    # With the right name, written in another way, the mandate is given.
    assert ask(client, son_number, "  DESMET ")["Location"] == MANDATES
    assert Mandate.objects.get().grantee.given_names == "Jan"


def test_the_next_try_after_the_limit_is_refused_with_429(client, grandma):
    nobody = check_digits("850730123", born_2000_or_later=False)
    for _try in range(LOOKUPS_PER_ACCOUNT.limit):
        assert ask(client, nobody, "Desmet").status_code == 200
    refused = ask(client, nobody, "Desmet")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert re.search(
        r"You tried too many times\. .* try again in \d+ minutes?\.", refused.content.decode()
    )
    # Also a right number and name is refused now: the limit counts tries, not misses.
    _son, _user, son_number = resident("Jan", "Desmet", "700101033")
    assert ask(client, son_number, "Desmet").status_code == 429
    assert not Mandate.objects.exists()


def test_the_limit_per_client_address_spans_accounts(client):
    nobody = check_digits("850730123", born_2000_or_later=False)
    per_account = LOOKUPS_PER_ACCOUNT.limit
    accounts = -(-LOOKUPS_PER_CLIENT.limit // per_account)  # enough to reach it
    tries = 0
    for index in range(accounts):
        _person, user, _number = resident("Piet", f"Vreemd{index}", f"6501010{index + 10}")
        sign_in(client, user)
        for _try in range(min(per_account, LOOKUPS_PER_CLIENT.limit - tries)):
            assert ask(client, nobody, "Desmet").status_code == 200
            tries += 1
    _person, fresh, _number = resident("Els", "Nieuw", "650101099")
    sign_in(client, fresh)
    assert ask(client, nobody, "Desmet").status_code == 429
    # Another address is not held back by this one.
    assert ask(client, nobody, "Desmet", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_rate_limit_counts_per_key_and_window(settings):
    limit = RateLimit("test", limit=2, window=60)
    assert [limit.hit("a"), limit.hit("a"), limit.hit("b")] == [1, 2, 1]
    with pytest.raises(RateLimitExceeded) as refused:
        limit.hit("a")
    assert 1 <= refused.value.retry_after <= 60
    assert refused.value.minutes == 1
