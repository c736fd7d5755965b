"""Rules that production settings must satisfy before Townhall starts.

Settings call :func:`enforce_production_rules` last. In production mode an
unsafe setting stops the process with a message naming every problem, so a
misconfigured server never serves a single request.
"""

import sys
from collections.abc import Mapping

KNOWN_MODES = ("demo", "production")
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5


def production_problems(settings: Mapping) -> list[str]:
    """Return a readable line for every setting that is unsafe in production."""
    problems = []
    secret_key = settings.get("SECRET_KEY") or ""
    if not secret_key:
        problems.append("SECRET_KEY is missing: set it to a long random value.")
    elif (
        secret_key == settings.get("DEMO_SECRET_KEY")
        or secret_key.startswith("django-insecure")
        or len(secret_key) < MIN_SECRET_KEY_LENGTH
        or len(set(secret_key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS
    ):
        problems.append(
            f"SECRET_KEY is weak: use at least {MIN_SECRET_KEY_LENGTH} random characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    if settings.get("DEBUG"):
        problems.append("DEBUG is on: set DEBUG=false.")
    if not settings.get("ALLOWED_HOSTS"):
        problems.append("ALLOWED_HOSTS is empty: list the host names this server answers to.")
    for name, enabled in sorted((settings.get("DEMO_FEATURES") or {}).items()):
        if enabled:
            problems.append(f"The demo-only feature '{name}' is enabled: turn it off.")
    if (settings.get("OIDC") or {}).get("PRESET") == "demo":
        problems.append("OIDC_PRESET=demo signs in demo personas: use fas or acmidm.")
    if settings.get("NATIONAL_NUMBER_HASH_KEY") == settings.get("DEMO_SECRET_KEY"):
        problems.append("TOWNHALL_NATIONAL_NUMBER_HASH_KEY is the demo key: set a secret one.")
    public_url = settings.get("TOWNHALL_PUBLIC_URL") or ""
    if not public_url.startswith("https://") or "127.0.0.1" in public_url:
        problems.append(
            "TOWNHALL_PUBLIC_URL must be the site's public https:// address "
            "(links in messages point there)."
        )
    if (settings.get("EMAIL_BACKEND") or "").startswith("anymail.backends.test."):
        problems.append("TOWNHALL_EMAIL_BACKEND=anymail needs ANYMAIL_ESP (e.g. mailgun).")
    return problems


def enforce_production_rules(settings: Mapping) -> None:
    """Stop the process with exit code 2 when the mode is unknown or unsafe."""
    mode = settings.get("MODE")
    if mode not in KNOWN_MODES:
        _refuse(
            "Townhall refuses to start:",
            [f"TOWNHALL_MODE={mode!r} is unknown: use one of {', '.join(KNOWN_MODES)}."],
        )
    if mode == "production":
        problems = production_problems(settings)
        if problems:
            _refuse("Townhall refuses to start in production mode:", problems)


def _refuse(heading: str, problems: list[str]) -> None:
    lines = [heading, *[f"  - {p}" for p in problems]]
    sys.stderr.write("\n".join(lines) + "\n")
    raise SystemExit(2)
