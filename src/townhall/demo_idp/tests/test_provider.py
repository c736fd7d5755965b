"""The demo identity provider on its own: settings, client, redirect URIs, personas, tokens."""

import base64
import hashlib
import json
import secrets
import stat
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from jwcrypto import jwk, jwt
from oauth2_provider.models import Application

from townhall.accounts.models import User
from townhall.demo_idp import personas
from townhall.demo_idp.clients import CLIENT_ID, application_ensure
from townhall.demo_idp.conf import KEY_FILE, demo_idp_settings
from townhall.demo_idp.models import DemoIdentity
from townhall.demo_idp.tests.register import persona_people

pytestmark = pytest.mark.django_db

LOOPBACK_CALLBACK = "http://localhost:8123/aanmelden/eid/terug/"
SECRET = settings.OIDC["CLIENT_SECRET"]


@pytest.fixture
def application():
    return application_ensure()


@pytest.fixture
def people():
    return persona_people()


def test_settings_make_the_signing_key_once_for_the_owner_only(tmp_path):
    first = demo_idp_settings(tmp_path)
    key_file = tmp_path / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first["OIDC_RSA_PRIVATE_KEY"].startswith("-----BEGIN PRIVATE KEY-----")
    assert jwk.JWK.from_pem(first["OIDC_RSA_PRIVATE_KEY"].encode())["n"]
    assert demo_idp_settings(tmp_path)["OIDC_RSA_PRIVATE_KEY"] == first["OIDC_RSA_PRIVATE_KEY"]
    assert list(tmp_path.iterdir()) == [key_file]
    assert first["OIDC_ENABLED"]
    assert first["PKCE_REQUIRED"]
    assert first["OAUTH2_VALIDATOR_CLASS"] == "townhall.demo_idp.validators.DemoValidator"
    assert set(first["SCOPES"]) == {"openid", "profile", "egovnrn"}


def test_the_site_client_is_ensured_idempotently(application):
    assert application_ensure().pk == application.pk
    assert Application.objects.count() == 1
    application.refresh_from_db()
    assert application.client_id == CLIENT_ID == settings.OIDC["CLIENT_ID"]
    assert check_password(SECRET, application.client_secret)
    assert application.client_secret != SECRET
    assert application.algorithm == Application.RS256_ALGORITHM
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert application.skip_authorization

    Application.objects.filter(pk=application.pk).update(
        redirect_uris="https://evil.example/", skip_authorization=False
    )
    application_ensure()
    application.refresh_from_db()
    assert "evil" not in application.redirect_uris
    assert application.skip_authorization


@pytest.mark.parametrize(
    ("uri", "allowed"),
    [
        ("http://127.0.0.1:8000/aanmelden/eid/terug/", True),
        ("http://127.0.0.1:54321/aanmelden/eid/terug/", True),
        ("http://localhost:8000/aanmelden/eid/terug/", True),
        ("http://[::1]:8000/aanmelden/eid/terug/", True),
        ("http://127.0.0.1/aanmelden/eid/terug/", True),
        ("http://evil.example:8000/aanmelden/eid/terug/", False),
        ("http://localhost.evil.example/aanmelden/eid/terug/", False),
        ("http://127.0.0.2:8000/aanmelden/eid/terug/", False),
        ("https://127.0.0.1:8000/aanmelden/eid/terug/", False),
        ("http://127.0.0.1:8000/mijn/", False),
        ("http://127.0.0.1:8000/aanmelden/eid/terug/?x=1", False),
        ("http://evil@127.0.0.1:8000/aanmelden/eid/terug/", False),
        ("http://127.0.0.1:8000/aanmelden/eid/terug/#x", False),
    ],
)
def test_redirect_uris_are_loopback_callbacks_on_any_port(application, uri, allowed):
    assert application.redirect_uri_allowed(uri) is allowed


def test_discovery_names_this_provider_and_the_fas_claims(client):
    response = client.get("/demo-idp/o/.well-known/openid-configuration")
    assert response.status_code == 200
    metadata = response.json()
    issuer = "http://testserver/demo-idp/o"
    assert metadata["issuer"] == issuer
    assert metadata["authorization_endpoint"] == f"{issuer}/authorize/"
    assert metadata["token_endpoint"] == f"{issuer}/token/"
    assert metadata["userinfo_endpoint"] == f"{issuer}/userinfo/"
    assert metadata["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    assert "RS256" in metadata["id_token_signing_alg_values_supported"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["response_types_supported"] == ["code"]
    assert {"openid", "profile", "egovnrn"} <= set(metadata["scopes_supported"])
    assert {"sub", "egovNRN", "givenName", "surname", "mail", "prefLanguage"} <= set(
        metadata["claims_supported"]
    )
    keys = client.get(metadata["jwks_uri"]).json()["keys"]
    assert [key["alg"] for key in keys] == ["RS256"]


# --- The persona picker -------------------------------------------------------------


def test_personas_are_chosen_from_the_register(people):
    chosen = {c.persona.slug: c for c in personas.persona_choices()}
    assert chosen["resident"].person == people.resident
    assert chosen["senior"].person == people.senior
    assert chosen["visitor"].person == people.visitor
    assert chosen["chair"].person == people.chair
    assert chosen["manager"].person == people.manager
    assert "Toneelkring De Planken" in chosen["chair"].description
    assert "Bakkerij Maes" in chosen["manager"].description


def test_a_persona_without_a_match_is_unavailable():
    persona_people(with_visitor=False)
    chosen = {c.persona.slug: c for c in personas.persona_choices()}
    assert chosen["visitor"].person is None
    assert chosen["resident"].person is not None


def authorize_path(**extra) -> tuple[str, str]:
    """An authorization request as the site makes it, with its PKCE verifier."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": LOOPBACK_CALLBACK,
        "scope": "openid profile egovnrn",
        "state": "state-123",
        "nonce": "nonce-456",
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
        **extra,
    }
    return f"{reverse('oauth2_provider:authorize')}?{urlencode(params)}", verifier


def pick(client, path, persona):
    page = client.get(reverse("demo_idp:sign_in"), {"next": path})
    assert page.status_code == 200
    return client.post(reverse("demo_idp:sign_in"), {"next": path, "persona": persona})


def code_for(client, persona) -> tuple[str, str]:
    path, verifier = authorize_path()
    assert pick(client, path, persona).url == path
    redirect = client.get(path)
    assert redirect.status_code == 302
    location = urlsplit(redirect.url)
    assert location.netloc == "localhost:8123"
    query = parse_qs(location.query)
    assert query["state"] == ["state-123"]
    return query["code"][0], verifier


def exchange(client, code, verifier):
    return client.post(
        reverse("oauth2_provider:token"),
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": LOOPBACK_CALLBACK,
            "code_verifier": verifier,
            "client_id": CLIENT_ID,
            "client_secret": SECRET,
        },
    )


def id_token_claims(token_response) -> dict:
    key = jwk.JWK.from_pem(settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"].encode())
    token = jwt.JWT(jwt=token_response.json()["id_token"], key=key, algs=["RS256"])
    return json.loads(token.claims)


def test_the_authorization_endpoint_sends_an_anonymous_browser_to_the_picker(client, application):
    path, _ = authorize_path()
    response = client.get(path)
    assert response.status_code == 302
    picker = urlsplit(response.url)
    assert picker.path == reverse("demo_idp:sign_in")
    assert parse_qs(picker.query)["next"] == [path]


def test_someone_signed_in_to_the_site_is_not_the_providers_user(client, application, people):
    staff = User.objects.create_user("clerk", password="a-long-password-1", is_staff=True)
    client.force_login(staff)
    path, _ = authorize_path()
    response = client.get(path)
    assert urlsplit(response.url).path == reverse("demo_idp:sign_in")


def test_the_picker_offers_every_persona_with_a_banner(client, application, people):
    path, _ = authorize_path()
    page = client.get(reverse("demo_idp:sign_in"), {"next": path}).content.decode()
    for person in (people.resident, people.senior, people.visitor, people.chair, people.manager):
        assert person.full_name in page
    for slug in ("resident", "senior", "visitor", "chair", "manager"):
        assert f'name="persona" value="{slug}"' in page
    assert 'name="cancel"' in page
    assert 'class="notice"' in page


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/demo-idp/o/authorize/?x=1", "/mijn/", "//evil.example/", ""],
)
def test_the_picker_only_returns_to_this_providers_authorization(client, people, next_url):
    response = client.post(reverse("demo_idp:sign_in"), {"next": next_url, "persona": "resident"})
    assert response.status_code == 400
    assert not DemoIdentity.objects.exists()


def test_an_unknown_or_unavailable_persona_is_refused(client, application):
    persona_people(with_visitor=False)
    path, _ = authorize_path()
    for persona in ("visitor", "admin"):
        response = client.post(reverse("demo_idp:sign_in"), {"next": path, "persona": persona})
        assert response.status_code == 400
    assert not DemoIdentity.objects.exists()


def test_a_choice_is_used_for_its_own_request_only(client, application, people):
    abandoned, _ = authorize_path(state="abandoned")
    pick(client, abandoned, "resident")
    path, _ = authorize_path()
    response = client.get(path)
    assert urlsplit(response.url).path == reverse("demo_idp:sign_in")
    assert client.get(abandoned).url.startswith(reverse("demo_idp:sign_in"))


def test_cancel_returns_access_denied_with_the_state(client, application, people):
    path, _ = authorize_path()
    response = client.post(reverse("demo_idp:sign_in"), {"next": path, "cancel": "1"})
    assert response.url == path
    back = client.get(path)
    location = urlsplit(back.url)
    assert location.netloc == "localhost:8123"
    assert location.path == "/aanmelden/eid/terug/"
    assert parse_qs(location.query) == {"error": ["access_denied"], "state": ["state-123"]}


def test_cancel_never_redirects_to_an_unregistered_uri(client, application, people):
    path, _ = authorize_path(redirect_uri="http://evil.example/aanmelden/eid/terug/")
    client.post(reverse("demo_idp:sign_in"), {"next": path, "cancel": "1"})
    response = client.get(path)
    assert response.status_code == 400
    assert "evil.example" not in response.get("Location", "")


def test_pkce_is_required(client, application, people):
    path, _ = authorize_path(code_challenge="", code_challenge_method="")
    pick(client, path, "resident")
    response = client.get(path)
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.url).query)["error"] == ["invalid_request"]


@pytest.mark.parametrize("slug", ["resident", "senior", "visitor", "chair", "manager"])
def test_the_id_token_carries_the_fas_claims(client, application, people, slug):
    code, verifier = code_for(client, slug)
    response = exchange(client, code, verifier)
    assert response.status_code == 200, response.content
    claims = id_token_claims(response)
    person = people.persona(slug)
    identity = DemoIdentity.objects.get(person=person)
    assert identity.user.username == f"demo-idp-{slug}-{person.pk}"
    assert not identity.user.has_usable_password()
    assert not identity.user.is_staff
    assert claims["aud"] == CLIENT_ID
    assert claims["iss"] == "http://testserver/demo-idp/o"
    assert claims["nonce"] == "nonce-456"
    assert claims["sub"] == str(identity.user_id)
    assert claims["givenName"] == person.given_names
    assert claims["surname"] == person.family_name
    assert claims["prefLanguage"] == person.language
    if slug == "visitor":
        assert "egovNRN" not in claims
    else:
        assert claims["egovNRN"] == people.numbers[slug]
    if slug == "senior":
        assert "mail" not in claims
    else:
        assert claims["mail"] == person.email

    userinfo = client.get(
        reverse("oauth2_provider:user-info"),
        headers={"authorization": f"Bearer {response.json()['access_token']}"},
    )
    assert userinfo.status_code == 200
    assert userinfo.json()["surname"] == person.family_name


def test_an_authorization_code_works_once(client, application, people):
    code, verifier = code_for(client, "resident")
    assert exchange(client, code, verifier).status_code == 200
    again = exchange(client, code, verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_the_code_needs_the_right_verifier_and_secret(client, application, people):
    code, verifier = code_for(client, "resident")
    assert exchange(client, code, verifier + "x").json()["error"] == "invalid_grant"
    code, verifier = code_for(client, "resident")
    wrong_secret = client.post(
        reverse("oauth2_provider:token"),
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": LOOPBACK_CALLBACK,
            "code_verifier": verifier,
            "client_id": CLIENT_ID,
            "client_secret": "not-the-secret",
        },
    )
    assert wrong_secret.status_code == 401


def test_a_request_for_an_unregistered_uri_shows_an_error_page_not_the_persona(
    client, application, people
):
    path, _ = authorize_path(redirect_uri="http://evil.example/aanmelden/eid/terug/")
    pick(client, path, "resident")
    response = client.get(path)
    assert response.status_code == 400
    assert "Location" not in response
    assert response.templates[0].name == "demo_idp/authorize.html"
    assert not response.context["user"].is_authenticated
    assert "acting-banner" not in response.content.decode()


def test_a_left_behind_account_is_taken_over_but_never_a_real_one(people):
    resident = personas.PERSONAS_BY_SLUG["resident"]
    orphan = User.objects.create(
        username=f"demo-idp-resident-{people.resident.pk}",
        kind=User.Kind.RESIDENT,
        password=make_password(None),
    )
    assert personas.persona_identity_user(persona=resident, person=people.resident) == orphan
    assert orphan.demo_identity.person == people.resident

    User.objects.create_user(f"demo-idp-senior-{people.senior.pk}", password="a-real-password-42")
    with pytest.raises(PermissionDenied):
        personas.persona_identity_user(
            persona=personas.PERSONAS_BY_SLUG["senior"], person=people.senior
        )
    assert not DemoIdentity.objects.filter(person=people.senior).exists()
