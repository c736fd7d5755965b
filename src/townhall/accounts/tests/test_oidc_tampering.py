"""The relying party refuses every tampered sign-in, against a fake OpenID provider over HTTP.

The site runs in pytest-django's live server; the provider is
:mod:`.fake_provider` on its own port; the person's browser is a
``requests.Session``. The site fetches discovery and keys, exchanges the code
and checks the ID token over real HTTP, with its real Authlib client: nothing
in between is mocked. A refusal shows the "signing in did not work" page, signs
no one in, creates no account and logs a warning without the national number.
"""

import html
import logging
import socket
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import override_settings

from townhall.accounts.assurance import SESSION_KEY as ASSURANCE_KEY
from townhall.accounts.models import User
from townhall.accounts.oidc import oidc_clients_reset
from townhall.accounts.tests.fake_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    NATIONAL_NUMBER,
    SIGNINGS,
    FakeProvider,
    Scenario,
)
from townhall.registry.services import person_create

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 10
CALLBACK_PATH = "/aanmelden/eid/terug/"
# Every national number a scenario sends: none of them may reach a log line.
NUMBERS = [NATIONAL_NUMBER, "85073112305", "85073003329", "85023012397", "85133012377"]
INVALID = "We could not check the answer of the identity service, so we did not sign you in."
CANCELLED = "You stopped signing in at the identity service. Nothing was changed."
BAD_NUMBER = "The identity service sent a national register number that is not valid."
UNREACHABLE = "The identity service cannot be reached right now."


def oidc_settings(discovery_url: str, *, client_secret: str = CLIENT_SECRET) -> dict:
    return {
        "PRESET": "fas",
        "DISCOVERY_URL": discovery_url,
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": client_secret,
        "TIMEOUT": 5,
        "OVERRIDES": {},
    }


@pytest.fixture
def provider():
    fake = FakeProvider().start()
    yield fake
    fake.stop()


@pytest.fixture
def site(live_server, provider):
    """The site's base URL, its OIDC settings pointing at the fake provider."""
    oidc_clients_reset()
    with override_settings(OIDC=oidc_settings(provider.discovery_url)):
        yield live_server.url
    oidc_clients_reset()


@pytest.fixture
def visitor():
    """The person's browser."""
    with requests.Session() as session:
        yield session


def callback_url(visitor, site) -> str:
    """Click "Sign in with eID" and follow to the provider; return the way back, unvisited."""
    start = visitor.get(
        f"{site}/aanmelden/eid/", params={"next": "/mijn/"}, allow_redirects=False, timeout=TIMEOUT
    )
    assert start.status_code == 302, start.text[:300]
    authorize = visitor.get(start.headers["Location"], allow_redirects=False, timeout=TIMEOUT)
    assert authorize.status_code == 302, authorize.text[:300]
    location = authorize.headers["Location"]
    assert location.startswith(f"{site}{CALLBACK_PATH}?"), location
    return location


def sign_in(visitor, site) -> requests.Response:
    return visitor.get(callback_url(visitor, site), timeout=TIMEOUT)


def with_query(url: str, **changes) -> str:
    """``url`` with query parameters changed; a None value drops one."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    query = {key: value for key, value in query.items() if value is not None}
    return urlunsplit(parts._replace(query=urlencode(query)))


def page_says(response, message: str) -> bool:
    # The tests run the site in English, the language of the source strings.
    return message in html.unescape(response.text)


def assert_refused(
    response, visitor, site, caplog, *, because: str, says=INVALID, status=400, residents=0
):
    """The refusal page, no one signed in, no account made, and a warning that names
    ``because`` (so the refusal has the right reason) without the national number."""
    assert response.status_code == status, response.text[:500]
    assert page_says(response, says), response.text[:2000]
    mine = visitor.get(f"{site}/mijn/", allow_redirects=False, timeout=TIMEOUT)
    assert mine.status_code == 302
    assert urlsplit(mine.headers["Location"]).path == "/aanmelden/"
    assert User.objects.filter(kind=User.Kind.RESIDENT).count() == residents
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.name == "townhall.accounts.views" and r.levelno == logging.WARNING
    ]
    assert any(because in warning for warning in warnings), warnings
    for record in caplog.records:
        assert not any(number in record.getMessage() for number in NUMBERS), record.getMessage()


def test_a_good_sign_in_finds_the_person_through_the_keyed_hash(site, provider, visitor, caplog):
    person = person_create(
        given_names="Jan", family_name="Peeters", national_number=NATIONAL_NUMBER
    )
    page = sign_in(visitor, site)
    assert page.status_code == 200, page.text[:500]
    assert urlsplit(page.url).path == "/mijn/"
    user = User.objects.get(kind=User.Kind.RESIDENT)
    assert user.person == person
    assert user.national_number_hash == person.national_number_hash
    assert NATIONAL_NUMBER not in user.username
    session = SessionStore(session_key=visitor.cookies.get(settings.SESSION_COOKIE_NAME))
    assert session[ASSURANCE_KEY] == "high"
    request = provider.authorization_requests[0]
    assert request["scope"] == "openid profile egovnrn"
    assert request["acr_values"] == "urn:be:fedict:iam:fas:Level450"
    assert request["code_challenge_method"] == "S256"
    assert request["nonce"]
    assert provider.refusals == []
    assert not any(NATIONAL_NUMBER in record.getMessage() for record in caplog.records)


def test_several_audiences_with_the_site_as_authorized_party_are_accepted(site, provider, visitor):
    provider.scenario = Scenario(claims={"aud": [CLIENT_ID, "another-client"], "azp": CLIENT_ID})
    assert urlsplit(sign_in(visitor, site).url).path == "/mijn/"


SIGNING_REFUSALS = {
    "other-key-same-kid": "BadSignatureError",
    "other-key-other-kid": "InvalidKeyIdError",
    "other-key-no-kid": "BadSignatureError",
    "payload-modified": "BadSignatureError",
    "alg-none": "Algorithm of 'none' is not allowed",
    "hs256-client-secret": "Algorithm of 'HS256' is not allowed",
    "hs256-public-key": "Algorithm of 'HS256' is not allowed",
}


@pytest.mark.parametrize("signing", [s for s in SIGNINGS if s != "good"])
def test_an_id_token_not_signed_by_the_providers_key_with_rs256_is_refused(
    site, provider, visitor, caplog, signing
):
    provider.scenario = Scenario(signing=signing)
    assert_refused(sign_in(visitor, site), visitor, site, caplog, because=SIGNING_REFUSALS[signing])
    assert provider.refusals == []  # the provider answered; the site said no


@pytest.mark.parametrize("signing", ["alg-none", "hs256-client-secret"])
def test_rs256_stays_pinned_when_the_provider_advertises_other_algorithms(
    site, provider, visitor, caplog, signing
):
    provider.scenario = Scenario(signing=signing, algorithms=["RS256", "HS256", "none"])
    assert_refused(sign_in(visitor, site), visitor, site, caplog, because=SIGNING_REFUSALS[signing])


def _now() -> int:
    return int(time.time())


# Each case: the claims laid over a good token's (made when the test runs), and what
# the refusal's log line names. Authlib's leeway is 2 minutes, so an hour is beyond it.
CLAIM_TAMPERING: dict[str, tuple[Callable[[], dict], str]] = {
    "expired-an-hour-ago": (
        lambda: {"exp": _now() - 3600, "iat": _now() - 3900},
        "ExpiredTokenError",
    ),
    "issued-an-hour-ahead": (
        lambda: {"iat": _now() + 3600, "exp": _now() + 3900},
        "issued in the future",
    ),
    "not-valid-before-an-hour": (lambda: {"nbf": _now() + 3600}, "not yet valid"),
    "no-expiry": (lambda: {"exp": None}, "'exp'"),
    "wrong-issuer": (lambda: {"iss": "https://idp.example.org"}, "'iss'"),
    "no-issuer": (lambda: {"iss": None}, "'iss'"),
    "wrong-audience": (lambda: {"aud": "another-client"}, "'aud'"),
    "wrong-audience-list": (lambda: {"aud": ["another-client"]}, "'aud'"),
    # Authlib alone accepted this one: it checked the audience only through azp.
    "wrong-audience-site-as-azp": (lambda: {"aud": "another-client", "azp": CLIENT_ID}, "'aud'"),
    "no-audience": (lambda: {"aud": None}, "'aud'"),
    "other-authorized-party": (lambda: {"azp": "another-client"}, "'azp'"),
    "wrong-nonce": (lambda: {"nonce": "not-the-nonce-of-this-sign-in"}, "'nonce'"),
    "no-nonce": (lambda: {"nonce": None}, "'nonce'"),
    "no-subject": (lambda: {"sub": None}, "'sub'"),
}


@pytest.mark.parametrize("case", CLAIM_TAMPERING)
def test_an_id_token_with_a_wrong_claim_is_refused(site, provider, visitor, caplog, case):
    claims, because = CLAIM_TAMPERING[case]
    provider.scenario = Scenario(claims=claims())
    assert_refused(sign_in(visitor, site), visitor, site, caplog, because=because)
    assert provider.refusals == []


@pytest.mark.parametrize(
    "number",
    ["85073003329", "85023012397", "85133012377"],
    ids=["checksum", "30-february", "month-13"],
)
def test_an_invalid_national_number_claim_is_refused(site, provider, visitor, caplog, number):
    provider.scenario = Scenario(claims={"egovNRN": number})
    assert_refused(
        sign_in(visitor, site),
        visitor,
        site,
        caplog,
        says=BAD_NUMBER,
        because="the national number claim is not valid",
    )


def test_a_replayed_callback_is_refused(site, provider, visitor, caplog):
    stolen = callback_url(visitor, site)
    assert urlsplit(visitor.get(stolen, timeout=TIMEOUT).url).path == "/mijn/"
    again = visitor.get(stolen, timeout=TIMEOUT)
    assert again.status_code == 400  # this browser's state is spent
    assert page_says(again, INVALID)
    with requests.Session() as attacker:  # the same URL in another browser
        refused = attacker.get(stolen, timeout=TIMEOUT)
        assert_refused(
            refused, attacker, site, caplog, because="MismatchingStateError", residents=1
        )
    assert provider.token_requests == 1


@pytest.mark.parametrize("used", [True, False], ids=["used-code", "unused-code"])
def test_a_stolen_code_with_the_attackers_own_state_is_refused_by_the_provider(
    site, provider, visitor, caplog, used
):
    stolen = callback_url(visitor, site)
    if used:
        assert urlsplit(visitor.get(stolen, timeout=TIMEOUT).url).path == "/mijn/"
    code = parse_qs(urlsplit(stolen).query)["code"][0]
    with requests.Session() as attacker:
        own = callback_url(attacker, site)
        injected = attacker.get(with_query(own, code=code), timeout=TIMEOUT)
        why = "unknown or used code" if used else "PKCE code_verifier does not match"
        assert_refused(injected, attacker, site, caplog, because=why, residents=int(used))
    assert provider.refusals == [why]


@pytest.mark.parametrize("state", ["forged-state", "", None], ids=["wrong", "empty", "missing"])
def test_a_callback_without_this_browsers_state_is_refused(site, provider, visitor, caplog, state):
    back = with_query(callback_url(visitor, site), state=state)
    assert_refused(
        visitor.get(back, timeout=TIMEOUT), visitor, site, caplog, because="MismatchingStateError"
    )
    assert provider.token_requests == 0  # refused before the code was spent


def test_cancelling_at_the_provider_shows_the_stopped_page(site, provider, visitor, caplog):
    provider.scenario = Scenario(authorize_error="access_denied")
    back = callback_url(visitor, site)
    assert "code=" not in back
    assert_refused(
        visitor.get(back, timeout=TIMEOUT),
        visitor,
        site,
        caplog,
        says=CANCELLED,
        because="access_denied",
    )
    assert provider.token_requests == 0


@pytest.mark.parametrize(
    ("scenario", "because"),
    [
        (Scenario(token_status=500), "500 Server Error"),
        (Scenario(id_token=False), "no ID token"),
        # Accepted before the fix: the site took a "userinfo" member as checked claims.
        (
            Scenario(
                id_token=False,
                token_extra={"userinfo": {"sub": "fas-subject-0001", "egovNRN": NATIONAL_NUMBER}},
            ),
            "no ID token",
        ),
    ],
    ids=["token-endpoint-500", "no-id-token", "unsigned-userinfo-instead"],
)
def test_a_token_response_without_a_good_id_token_is_refused(
    site, provider, visitor, caplog, scenario, because
):
    provider.scenario = scenario
    assert_refused(sign_in(visitor, site), visitor, site, caplog, because=because)


def test_the_provider_refusing_the_client_is_a_refusal(site, provider, visitor, caplog):
    with override_settings(OIDC=oidc_settings(provider.discovery_url, client_secret="wrong")):
        oidc_clients_reset()
        assert_refused(sign_in(visitor, site), visitor, site, caplog, because="invalid_client")
    assert provider.refusals == ["wrong client credentials"]


def test_a_provider_that_is_down_at_the_start_gives_the_unreachable_page(site, visitor, caplog):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    down = f"http://127.0.0.1:{port}/.well-known/openid-configuration"
    with override_settings(OIDC=oidc_settings(down)):
        oidc_clients_reset()
        start = visitor.get(f"{site}/aanmelden/eid/", timeout=TIMEOUT)
        assert_refused(
            start,
            visitor,
            site,
            caplog,
            says=UNREACHABLE,
            status=502,
            because="unreachable: ConnectionError",
        )


def test_a_provider_that_goes_down_before_the_code_exchange_is_a_refusal(
    site, provider, visitor, caplog
):
    back = callback_url(visitor, site)
    provider.stop()
    assert_refused(
        visitor.get(back, timeout=TIMEOUT), visitor, site, caplog, because="ConnectionError"
    )
