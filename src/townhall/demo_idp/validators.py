"""Claims of the demo identity provider, shaped like those of FAS (BOSA).

FAS sends ``egovNRN`` (the national register number) for the ``egovnrn``
scope, and ``givenName``, ``surname``, ``mail`` and ``prefLanguage`` for
``profile``. ``get_additional_claims`` takes no request: django-oauth-toolkit
then lists the claims in the discovery document and calls each value with the
oauthlib request, whose ``user`` is the persona's account at this provider.
"""

from oauth2_provider.oauth2_validators import OAuth2Validator

from townhall.registry.models import Person


def _person(request) -> Person | None:
    identity = getattr(request.user, "demo_identity", None)
    return identity.person if identity else None


def _national_number(request) -> str | None:
    # The provider knows the number, as FAS does; visitors have none.
    person = _person(request)
    return (person.reveal_national_number() or None) if person else None


def _attribute(name: str):
    def value(request):
        person = _person(request)
        return getattr(person, name, "") or None

    return value


class DemoValidator(OAuth2Validator):
    """OAuth2Validator with the FAS claims of the persona's person."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "egovNRN": "egovnrn",
        "givenName": "profile",
        "surname": "profile",
        "mail": "profile",
        "prefLanguage": "profile",
    }

    def get_additional_claims(self):
        return {
            "egovNRN": _national_number,
            "givenName": _attribute("given_names"),
            "surname": _attribute("family_name"),
            "mail": _attribute("email"),
            "prefLanguage": _attribute("language"),
        }

    def get_oidc_claims(self, token, token_handler, request):
        """Leave out claims without a value (no number for a visitor, no e-mail address)."""
        claims = super().get_oidc_claims(token, token_handler, request)
        return {name: value for name, value in claims.items() if value is not None}
