"""The OpenID Connect relying party: eID and itsme through FAS, ACM/IDM or the demo.

1. ``oidc_client`` builds an Authlib client from the provider settings (a
   preset plus overrides); discovery metadata is fetched once and cached.
2. The start view redirects to the provider with PKCE (S256), a state and a
   nonce, kept in the session by Authlib.
3. The callback exchanges the code, then Authlib checks the ID token: the
   signature against the provider's keys (RS256 only: the algorithm is pinned
   here, whatever the provider advertises), the issuer, the audience (our
   client id in ``aud``: see ``id_token_claims_options``), the expiry and the
   nonce. Only claims from that checked ID token are used.
4. ``claims_from_token`` reads the national number and names from the claims
   named by the preset; the account service links the register's Person.
"""

from dataclasses import dataclass

from authlib.integrations.django_client import OAuth
from django.conf import settings

PRESETS = {
    # Federal authentication service (BOSA): eID, itsme.
    "fas": {
        "scope": "openid profile egovnrn",
        "national_number_claim": "egovNRN",
        "given_name_claim": "givenName",
        "family_name_claim": "surname",
        "email_claim": "mail",
        "acr_values": "urn:be:fedict:iam:fas:Level450",
    },
    # Flemish government's ACM/IDM.
    "acmidm": {
        "scope": "openid rrn vo profile",
        "national_number_claim": "rrn",
        "given_name_claim": "given_name",
        "family_name_claim": "family_name",
        "email_claim": "email",
        "acr_values": "",
    },
}
PRESETS["demo"] = {**PRESETS["fas"], "acr_values": ""}

ALLOWED_ID_TOKEN_ALGORITHMS = ["RS256"]


@dataclass(frozen=True)
class ProviderConfig:
    name: str
    discovery_url: str
    client_id: str
    client_secret: str
    scope: str
    national_number_claim: str
    given_name_claim: str
    family_name_claim: str
    email_claim: str
    acr_values: str


def provider_config() -> ProviderConfig | None:
    """The configured provider, or None when eID sign-in is not set up."""
    oidc = settings.OIDC
    preset = PRESETS.get(oidc["PRESET"])
    if preset is None or not oidc["DISCOVERY_URL"] or not oidc["CLIENT_ID"]:
        return None
    values = {**preset, **{k.lower(): v for k, v in oidc["OVERRIDES"].items() if v}}
    return ProviderConfig(
        name=oidc["PRESET"],
        discovery_url=oidc["DISCOVERY_URL"],
        client_id=oidc["CLIENT_ID"],
        client_secret=oidc["CLIENT_SECRET"],
        **values,
    )


_clients: dict[tuple, object] = {}


def oidc_client(request, config: ProviderConfig):
    """An Authlib client for ``config``; a relative discovery URL (the demo provider
    inside this site) is resolved against the request's host."""
    discovery_url = config.discovery_url
    if discovery_url.startswith("/"):
        discovery_url = request.build_absolute_uri(discovery_url)
    key = (discovery_url, config.client_id, config.client_secret, config.scope)
    if key not in _clients:
        registry = OAuth()
        _clients[key] = registry.register(
            name="townhall",
            client_id=config.client_id,
            client_secret=config.client_secret,
            server_metadata_url=discovery_url,
            client_kwargs={
                "scope": config.scope,
                "code_challenge_method": "S256",
                "default_timeout": settings.OIDC["TIMEOUT"],
            },
        )
    client = _clients[key]
    metadata = client.load_server_metadata()
    metadata["id_token_signing_alg_values_supported"] = ALLOWED_ID_TOKEN_ALGORITHMS
    return client


def id_token_claims_options(client, config: ProviderConfig) -> dict:
    """What the ID token's claims must hold, for Authlib to check besides expiry and nonce.

    Authlib checks the issuer on its own, but the audience only through ``azp``: a
    token made for another client that names us as its authorized party would
    pass. OpenID Connect Core 3.1.3.7 wants our client id in ``aud``.
    """
    return {
        "iss": {"essential": True, "values": [client.load_server_metadata()["issuer"]]},
        "aud": {"essential": True, "value": config.client_id},
    }


@dataclass(frozen=True)
class SignInClaims:
    subject: str
    national_number: str | None
    given_name: str
    family_name: str
    email: str


def claims_from_userinfo(userinfo, config: ProviderConfig) -> SignInClaims:
    def claim(name):
        value = userinfo.get(name) if name else None
        return str(value).strip() if value else ""

    return SignInClaims(
        subject=claim("sub"),
        national_number=claim(config.national_number_claim) or None,
        given_name=claim(config.given_name_claim),
        family_name=claim(config.family_name_claim),
        email=claim(config.email_claim),
    )


def oidc_clients_reset() -> None:
    """Forget cached clients and metadata (tests, key rotation at the provider)."""
    _clients.clear()
