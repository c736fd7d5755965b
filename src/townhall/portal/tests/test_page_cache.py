"""Public pages kept whole (townhall.page_cache): per language, made again when the
municipality's profile changes, and never kept or served for someone with a session."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from townhall import page_cache
from townhall.accounts.tests.residents import sign_in
from townhall.municipality.models import Department, OpeningHours

pytestmark = pytest.mark.django_db
HOME = "/"


def visitor(language: str | None = None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_second_visitor_gets_the_kept_page(municipality, django_assert_num_queries):
    first = visitor().get(HOME)
    with django_assert_num_queries(0):
        second = visitor().get(HOME)
    assert second.status_code == 200
    assert municipality.name in second.content.decode()
    assert first.content.decode().count("csrfmiddlewaretoken") == second.content.decode().count(
        "csrfmiddlewaretoken"
    )


def test_each_language_has_its_own_page(municipality):
    for _ in range(2):  # made, then kept
        dutch = visitor("nl").get(HOME).content.decode()
        english = visitor("en").get(HOME).content.decode()
        assert 'lang="en"' in english
        assert "Opening hours" in english
        assert 'lang="nl"' in dutch
        assert "Openingsuren" in dutch


@pytest.mark.parametrize("change", ["name", "department", "hours"])
def test_a_change_to_the_profile_shows_on_the_next_visit(municipality, change):
    before = visitor("en").get(HOME).content.decode()
    if change == "name":
        municipality.name = "Ingelmunster-Centrum"
        municipality.save()
        shown = "Ingelmunster-Centrum"
    elif change == "department":
        Department.objects.create(municipality=municipality, code="library", name="Bibliotheek")
        shown = "Bibliotheek"
    else:
        OpeningHours.objects.create(
            municipality=municipality,
            weekday=OpeningHours.Weekday.SATURDAY,
            opens=datetime.time(9),
            closes=datetime.time(11, 45),
        )
        shown = "11:45"
    assert shown not in before
    assert shown in visitor("en").get(HOME).content.decode()


def test_every_visitor_gets_a_working_token_of_their_own(municipality):
    visitor().get(HOME)  # made and kept
    first, second = visitor(), visitor()
    tokens = []
    for client in (first, second):
        html = client.get(HOME).content.decode()
        token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        assert token != page_cache.CSRF_PLACEHOLDER
        tokens.append(token)
        switched = client.post(
            reverse("set_language"),
            {"language": "fr", "next": "/", "csrfmiddlewaretoken": token},
        )
        assert switched.status_code == 302  # the CSRF check passed with the kept page's form
    assert tokens[0] != tokens[1]
    # One visitor's token does not pass with another's cookie.
    refused = second.post(
        reverse("set_language"),
        {"language": "en", "next": "/", "csrfmiddlewaretoken": "x" * 64},
    )
    assert refused.status_code == 403


def test_a_signed_in_resident_gets_their_own_page_and_it_is_never_kept(family, client):
    anonymous = visitor("en").get(HOME).content.decode()
    assert "Go to my page" not in anonymous
    sign_in(client, family["an_user"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    personal = client.get(HOME).content.decode()
    assert "Go to my page" in personal
    assert "Sign out" in personal
    # The next visitor still gets the anonymous page, not the resident's.
    again = visitor("en").get(HOME).content.decode()
    assert "Go to my page" not in again
    assert "Sign out" not in again


def test_nothing_personal_is_kept_even_before_a_visitor_came(family, client):
    sign_in(client, family["an_user"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Go to my page" in client.get(HOME).content.decode()
    assert "Go to my page" not in visitor("en").get(HOME).content.decode()


def test_a_visitor_with_a_session_a_message_or_a_query_gets_a_page_made_for_them(family):
    kept = page_cache.page_key(settings.LANGUAGE_CODE, HOME)
    cache.set(kept, ("the kept page", "text/html"), 60)
    assert visitor().get(HOME).content == b"the kept page"
    assert visitor().get(f"{HOME}?utm=x").content != b"the kept page"
    with_message = visitor()
    with_message.cookies["messages"] = "anything"
    assert with_message.get(HOME).content != b"the kept page"
    with_session = visitor()
    sign_in(with_session, family["an_user"])
    assert with_session.get(HOME).content != b"the kept page"


def test_a_page_that_changes_the_session_or_says_private_is_not_kept(municipality, rf):
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    @page_cache.public_page
    def remembers(request):
        request.session["remembered"] = True
        return HttpResponse("made")

    @page_cache.public_page
    def private(request):
        response = HttpResponse("made")
        response["Cache-Control"] = "private"
        return response

    for view, path in ((remembers, "/remembers/"), (private, "/private/")):
        request = rf.get(path)
        request.session = SessionStore()
        assert view(request).content == b"made"
        assert cache.get(page_cache.page_key(settings.LANGUAGE_CODE, path)) is None


def test_without_a_cache_time_nothing_is_kept(municipality, settings, django_assert_num_queries):
    settings.TOWNHALL_PAGE_CACHE_SECONDS = 0
    visitor().get(HOME)
    with django_assert_num_queries(5):  # the profile, its hours, departments; current alerts
        visitor().get(HOME)
