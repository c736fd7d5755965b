"""A session is renewed (saved with a new expiry) at most once a minute, never later
than its idle time allows, and a visitor without a session gets none."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from freezegun import freeze_time

from townhall.accounts.sessions import RENEWED_KEY, renew_after_seconds
from townhall.accounts.tests.residents import resident, sign_in
from townhall.municipality.tests.factories import municipality_for_tests

pytestmark = pytest.mark.django_db
MY_PAGE = "/mijn/"


def expiry(client) -> datetime.datetime:
    return Session.objects.get(
        session_key=client.cookies[settings.SESSION_COOKIE_NAME].value
    ).expire_date


def test_a_session_is_renewed_once_a_minute(client, django_assert_num_queries):
    municipality_for_tests()
    _person, user, _number = resident("An", "Claeys", "800101002")
    start = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    with freeze_time(start) as clock:
        sign_in(client, user)
        client.get(MY_PAGE)  # the first page marks the session renewed
        first = expiry(client)
        clock.tick(datetime.timedelta(seconds=30))
        # session, user, person, mandates, representations, unfinished requests
        with django_assert_num_queries(6):
            assert client.get(MY_PAGE).status_code == 200
        assert expiry(client) == first
        clock.tick(datetime.timedelta(seconds=renew_after_seconds()))
        client.get(MY_PAGE)
        renewed = expiry(client)
        assert client.session[RENEWED_KEY] == (start + (renewed - first)).timestamp()
    assert renewed - first == datetime.timedelta(seconds=30 + renew_after_seconds())


def test_a_session_never_outlives_its_idle_time(client):
    municipality_for_tests()
    _person, user, _number = resident("An", "Claeys", "800101002")
    with freeze_time(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)) as clock:
        sign_in(client, user)
        client.get(MY_PAGE)
        last_request = datetime.datetime.now(tz=datetime.UTC)
        clock.tick(datetime.timedelta(seconds=renew_after_seconds() - 1))
        client.get(MY_PAGE)  # not renewed: the expiry stays from the minute before
        assert expiry(client) <= datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(
            seconds=settings.SESSION_COOKIE_AGE
        )
        assert expiry(client) == last_request + datetime.timedelta(
            seconds=settings.SESSION_COOKIE_AGE
        )


def test_a_visitor_without_a_session_gets_none(client):
    municipality_for_tests()
    client.get("/")
    client.get("/toegankelijkheid/")
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert not Session.objects.exists()
