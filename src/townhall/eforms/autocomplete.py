"""HTML ``autocomplete`` tokens for personal fields (WCAG 2.1 success criterion 1.3.5).

A field declares its token in the definition, or gets it from the prefill
attribute it is filled from, or from its type (e-mail, phone). A declared
token must be one of HTML's autofill field names (:data:`TOKENS`).
"""

# HTML Living Standard, "autofill field" names (those WCAG 1.3.5 lists, and a few more).
TOKENS = frozenset(
    [
        "name",
        "honorific-prefix",
        "given-name",
        "additional-name",
        "family-name",
        "honorific-suffix",
        "nickname",
        "username",
        "new-password",
        "current-password",
        "one-time-code",
        "organization-title",
        "organization",
        "street-address",
        "address-line1",
        "address-line2",
        "address-line3",
        "address-level4",
        "address-level3",
        "address-level2",
        "address-level1",
        "country",
        "country-name",
        "postal-code",
        "cc-name",
        "cc-given-name",
        "cc-additional-name",
        "cc-family-name",
        "cc-number",
        "cc-exp",
        "cc-exp-month",
        "cc-exp-year",
        "cc-csc",
        "cc-type",
        "transaction-currency",
        "transaction-amount",
        "language",
        "bday",
        "bday-day",
        "bday-month",
        "bday-year",
        "sex",
        "url",
        "photo",
        "tel",
        "tel-country-code",
        "tel-national",
        "tel-area-code",
        "tel-local",
        "tel-extension",
        "email",
        "impp",
        "off",
        "on",
    ]
)
QUALIFIERS = frozenset({"shipping", "billing", "home", "work", "mobile", "fax", "pager"})

# Prefill attribute (OSLO term or alias) to its token.
BY_PREFILL = {
    **dict.fromkeys(
        ("persoon:gebruikteVoornaam", "foaf:givenName", "given_name", "given_names"), "given-name"
    ),
    **dict.fromkeys(("foaf:familyName", "family_name"), "family-name"),
    **dict.fromkeys(("persoon:heeftGeboorte", "birth_date"), "bday"),
    **dict.fromkeys(("persoon:geslacht", "sex"), "sex"),
    **dict.fromkeys(("persoon:heeftNationaliteit", "nationality"), "country"),
    **dict.fromkeys(("schema:knowsLanguage", "language"), "language"),
    **dict.fromkeys(("schema:email", "email"), "email"),
    **dict.fromkeys(("schema:telephone", "mobile", "telephone", "phone"), "tel"),
    **dict.fromkeys(("persoon:verblijfsadres", "address", "domicile"), "street-address"),
    **dict.fromkeys(("adres:heeftStraatnaam", "street_name"), "address-line1"),
    **dict.fromkeys(("adres:postcode", "postcode"), "postal-code"),
    **dict.fromkeys(("adres:gemeentenaam", "municipality_name"), "address-level2"),
    **dict.fromkeys(
        ("regorg:legalName", "legal_name", "organisation_name", "name"), "organization"
    ),
    **dict.fromkeys(("foaf:page", "website"), "url"),
}
BY_TYPE = {"email": "email", "phone": "tel"}


def is_valid_token(value: str) -> bool:
    words = value.split()
    if not words or words[-1] not in TOKENS:
        return False
    return all(word in QUALIFIERS or word.startswith("section-") for word in words[:-1])


def token_for(spec: dict) -> str | None:
    """The token a field's input carries, or None for a field that is not personal."""
    return (
        spec.get("autocomplete")
        or BY_PREFILL.get(spec.get("prefill", ""))
        or BY_TYPE.get(spec["type"])
    )
