"""Nobody can make the platform send unlimited account e-mail, and no answer tells
whether an address has an account."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from townhall.accounts.models import User

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("account_mail"),
]  # the mail is enqueued on commit

TOO_MANY = "We sent too many e-mails for this address or from your connection."
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def ana(db):
    user = User.objects.create(
        kind=User.Kind.RESIDENT,
        username="ana@example.org",
        email="ana@example.org",
        first_name="Ana",
        email_verified_at=timezone.now(),
    )
    user.set_password("zonnebloem-veld-42")
    user.save()
    return user


def page(response) -> str:
    """The page without its CSRF token, which differs on every answer."""
    return CSRF.sub("", response.content.decode())


def ask_link(client, email, **extra):
    return client.post(
        reverse("accounts:email_sign_in"), {"email": email, "send_link": "1"}, **extra
    )


def register(client, email, **extra):
    return client.post(
        reverse("accounts:register"),
        {"given_name": "Ana", "family_name": "Lopez", "email": email, "password": ""},
        **extra,
    )


def test_a_link_request_answers_the_same_for_a_known_and_an_unknown_address(client, ana):
    known = ask_link(client, "ana@example.org", follow=True)
    unknown = ask_link(client, "nobody@example.org", follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert page(known) == page(unknown)
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]


def test_registration_answers_the_same_for_a_known_and_a_new_address(client, ana):
    known = register(client, "ana@example.org")
    new = register(client, "bert@example.org")
    assert known.status_code == new.status_code == 200
    assert page(known).replace("ana@example.org", "ADDRESS") == page(new).replace(
        "bert@example.org", "ADDRESS"
    )
    assert User.objects.filter(username="ana@example.org").count() == 1
    # Only the owner learns that someone tried; the new address gets its verification.
    assert "you already have one" in mail.outbox[0].body
    assert "confirm your e-mail address" in mail.outbox[1].body


def test_at_most_three_mails_per_address_in_a_quarter_of_an_hour(client, ana):
    for _attempt in range(3):
        assert ask_link(client, "ana@example.org").status_code == 302
    refused = ask_link(client, "ana@example.org")
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert "Please try again in 15 minutes." in refused.content.decode()
    assert len(mail.outbox) == 3

    # The same limit, and the same refusal, for an address without an account.
    for _attempt in range(3):
        ask_link(client, "nobody@example.org")
    unknown = ask_link(client, "nobody@example.org")
    assert unknown.status_code == 429
    # The form keeps the address typed; apart from it, the page is the same.
    assert page(unknown).replace("nobody@example.org", "ADDRESS") == page(refused).replace(
        "ana@example.org", "ADDRESS"
    )

    with freeze_time(timezone.now() + datetime.timedelta(minutes=16)):
        assert ask_link(client, "ana@example.org").status_code == 302
    assert len(mail.outbox) == 4


def test_registrations_count_against_the_same_address(client, ana):
    for _attempt in range(3):
        assert register(client, "ana@example.org").status_code == 200
    refused = register(client, "ana@example.org")
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert ask_link(client, "ana@example.org").status_code == 429
    assert len(mail.outbox) == 3


def test_a_client_is_limited_across_addresses(client, settings):
    settings.TOWNHALL_ACCOUNT_EMAIL_LIMITS = {
        **settings.TOWNHALL_ACCOUNT_EMAIL_LIMITS,
        "PER_CLIENT": 4,
    }
    for number in range(4):
        assert register(client, f"visitor{number}@example.org").status_code == 200
    refused = register(client, "visitor9@example.org")
    assert refused.status_code == 429
    assert "Please try again in" in refused.content.decode()
    assert not User.objects.filter(username="visitor9@example.org").exists()
    assert len(mail.outbox) == 4
    # Another client is not held back by this one.
    other = register(client, "visitor9@example.org", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200
    assert len(mail.outbox) == 5


@pytest.mark.parametrize("email", ["not an address", "ana\x00@example.org", "", "a" * 400])
def test_a_link_request_for_something_that_is_no_address_answers_as_for_any_other(client, email):
    response = ask_link(client, email, follow=True)
    assert response.status_code == 200
    assert "If an account exists for this address" in response.content.decode()
    assert mail.outbox == []
