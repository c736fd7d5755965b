"""Sign-in with eID through the demo identity provider, end to end over real HTTP.

The browser is a ``requests.Session`` against the live server; the site (the
relying party) fetches the provider's discovery document, exchanges the code
and checks the ID token over HTTP, as it does with FAS. Nothing is mocked.
"""

import re
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from oauth2_provider.models import Application
from stdnum.be import nn

from townhall.accounts.assurance import SESSION_KEY as ASSURANCE_KEY
from townhall.accounts.models import ActivityRecord, User
from townhall.accounts.oidc import oidc_clients_reset
from townhall.demo_idp.clients import CLIENT_ID, application_ensure
from townhall.demo_idp.models import DemoIdentity
from townhall.demo_idp.tests.browser import (
    CALLBACK_PATH,
    TIMEOUT,
    csrf_token,
    follow_to_callback,
    session_of,
    start_sign_in,
    submit_picker,
    urls_of,
)
from townhall.demo_idp.tests.register import persona_people
from townhall.registry.models import Organisation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("dutch")]

PERSONAS = ["resident", "senior", "visitor", "chair", "manager"]


@pytest.fixture(autouse=True)
def fresh_clients():
    """The site caches its provider clients per discovery URL; each live server has its own."""
    oidc_clients_reset()
    yield
    oidc_clients_reset()


@pytest.fixture
def people():
    application_ensure()
    return persona_people()


@pytest.fixture
def browser_session():
    """The person's browser (named so that pytest-playwright's ``browser`` stays apart)."""
    with requests.Session() as session:
        yield session


def acting_banner(page_html: str) -> str:
    match = re.search(r'<div class="acting-banner[^"]*">(.*?)</div>\s*</div>', page_html, re.S)
    assert match, "no acting banner in the page header"
    return match.group(1)


def number_forms(number: str) -> list[str]:
    return [number, nn.format(number), number[:6] + "-" + number[6:]]


def in_language(message: str, language: str = "nl") -> str:
    with translation.override(language):
        return gettext(message)


@pytest.mark.parametrize("slug", PERSONAS)
def test_each_persona_signs_in_through_the_provider(live_server, people, browser_session, slug):
    picker = start_sign_in(browser_session, live_server.url)
    my_page = submit_picker(browser_session, picker, persona=slug)

    assert my_page.status_code == 200
    assert urlsplit(my_page.url).path == "/mijn/"
    redirect_paths = [urlsplit(url).path for url in urls_of(my_page)]
    assert CALLBACK_PATH in redirect_paths
    assert "/demo-idp/o/authorize/" in redirect_paths

    session = session_of(browser_session)
    user = User.objects.get(pk=session["_auth_user_id"])
    person = people.persona(slug)
    assert session[ASSURANCE_KEY] == "high"
    assert user.kind == User.Kind.RESIDENT
    assert not user.is_staff
    assert user.oidc_subject == str(DemoIdentity.objects.get(person=person).user_id)
    assert person.full_name in acting_banner(my_page.text)
    assert ActivityRecord.objects.filter(actor=user, action="sign_in.eid").count() == 1

    if slug == "visitor":
        assert user.not_registered_here
        assert user.person is None
        assert user.national_number_hash is None
        assert (user.first_name, user.last_name) == ("Sophie", "Martin")
    else:
        assert user.person == person
        assert user.national_number_hash == person.national_number_hash
        assert not user.not_registered_here
        for form in number_forms(people.numbers[slug]):
            assert all(form not in url for url in urls_of(my_page)), form
            assert form not in my_page.text, form


def test_the_resident_is_linked_once_and_found_again(live_server, people, browser_session):
    submit_picker(
        browser_session, start_sign_in(browser_session, live_server.url), persona="resident"
    )
    first = User.objects.get(person=people.resident)
    browser_session.post(
        f"{live_server.url}/afmelden/",
        data={"csrfmiddlewaretoken": csrf_token(browser_session.get(f"{live_server.url}/mijn/"))},
        timeout=TIMEOUT,
    )
    assert "_auth_user_id" not in session_of(browser_session)

    again = submit_picker(
        browser_session, start_sign_in(browser_session, live_server.url), persona="resident"
    )
    assert urlsplit(again.url).path == "/mijn/"
    assert User.objects.filter(kind=User.Kind.RESIDENT, person=people.resident).get() == first
    assert int(session_of(browser_session)["_auth_user_id"]) == first.pk


def test_the_chair_acts_for_the_association(live_server, people, browser_session):
    my_page = submit_picker(
        browser_session, start_sign_in(browser_session, live_server.url), persona="chair"
    )
    club = Organisation.objects.get(kind="association")
    representation = club.representatives.get()
    switched = browser_session.post(
        f"{live_server.url}/mijn/namens/",
        data={
            "csrfmiddlewaretoken": csrf_token(my_page),
            "acting": f"representation:{representation.pk}",
        },
        timeout=TIMEOUT,
    )
    assert urlsplit(switched.url).path == "/mijn/"
    banner = acting_banner(switched.text)
    assert club.name in banner
    assert people.chair.full_name in banner


def test_cancel_at_the_provider_shows_the_stopped_page(live_server, people, browser_session):
    picker = start_sign_in(browser_session, live_server.url)
    page = submit_picker(browser_session, picker, cancel=True)

    assert page.status_code == 400
    callback = urlsplit(page.url)
    assert callback.path == CALLBACK_PATH
    assert parse_qs(callback.query)["error"] == ["access_denied"]
    assert parse_qs(callback.query)["state"]
    assert in_language("You stopped signing in at the identity service. Nothing was changed.") in (
        page.text
    )
    assert "_auth_user_id" not in session_of(browser_session)
    assert not User.objects.filter(oidc_subject__isnull=False).exists()
    mine = browser_session.get(f"{live_server.url}/mijn/", allow_redirects=False, timeout=TIMEOUT)
    assert mine.status_code == 302
    assert urlsplit(mine.headers["Location"]).path == "/aanmelden/"


def _refused(page) -> bool:
    return (
        page.status_code == 400
        and in_language(
            "We could not check the answer of the identity service, so we did not sign you in. "
            "This can happen when you used the back button or waited too long. Please start again."
        )
        in page.text
    )


def test_a_replayed_authorization_code_is_refused(live_server, people, browser_session):
    picker = start_sign_in(browser_session, live_server.url)
    callback = follow_to_callback(
        browser_session, submit_picker(browser_session, picker, persona="resident", follow=False)
    )
    first = browser_session.get(callback, timeout=TIMEOUT)
    assert urlsplit(first.url).path == "/mijn/"
    signed_in_session = browser_session.cookies.get("sessionid")

    again = browser_session.get(callback, timeout=TIMEOUT)
    assert _refused(again)
    assert browser_session.cookies.get("sessionid") == signed_in_session
    assert ActivityRecord.objects.filter(action="sign_in.eid").count() == 1

    with requests.Session() as other_browser:
        stolen = other_browser.get(callback, timeout=TIMEOUT)
        assert _refused(stolen)
        assert "_auth_user_id" not in session_of(other_browser)
    assert ActivityRecord.objects.filter(action="sign_in.eid").count() == 1


def test_a_wrong_state_is_refused(live_server, people, browser_session):
    picker = start_sign_in(browser_session, live_server.url)
    callback = follow_to_callback(
        browser_session, submit_picker(browser_session, picker, persona="resident", follow=False)
    )
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    query["state"] = [query["state"][0][:-2] + "xx"]
    forged = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))

    page = browser_session.get(forged, timeout=TIMEOUT)
    assert _refused(page)
    assert "_auth_user_id" not in session_of(browser_session)
    assert not User.objects.filter(person=people.resident).exists()


def test_choosing_a_persona_does_not_sign_in_to_the_site(live_server, people, browser_session):
    picker = start_sign_in(browser_session, live_server.url)
    to_authorize = submit_picker(browser_session, picker, persona="resident", follow=False)
    assert urlsplit(to_authorize.headers["Location"]).path == "/demo-idp/o/authorize/"

    mine = browser_session.get(f"{live_server.url}/mijn/", allow_redirects=False, timeout=TIMEOUT)
    assert mine.status_code == 302
    assert urlsplit(mine.headers["Location"]).path == "/aanmelden/"
    assert "_auth_user_id" not in session_of(browser_session)

    # Up to the callback too: the provider's authorization is not the site's sign-in.
    picker = start_sign_in(browser_session, live_server.url)
    follow_to_callback(
        browser_session, submit_picker(browser_session, picker, persona="resident", follow=False)
    )
    mine = browser_session.get(f"{live_server.url}/mijn/", allow_redirects=False, timeout=TIMEOUT)
    assert mine.status_code == 302
    assert urlsplit(mine.headers["Location"]).path == "/aanmelden/"


def test_an_id_token_not_signed_with_rs256_is_refused(live_server, people, browser_session):
    # HS256 signs with the client secret, which the provider then keeps in clear.
    Application.objects.filter(client_id=CLIENT_ID).update(
        algorithm=Application.HS256_ALGORITHM,
        hash_client_secret=False,
        client_secret=settings.OIDC["CLIENT_SECRET"],
    )
    picker = start_sign_in(browser_session, live_server.url)
    page = submit_picker(browser_session, picker, persona="resident")
    assert _refused(page)
    assert urlsplit(page.url).path == CALLBACK_PATH
    assert "_auth_user_id" not in session_of(browser_session)
