"""Rules that production settings must satisfy before Townhall starts.

Settings call :func:`enforce_production_rules` last. In production mode an
unsafe setting stops the process with a message naming every problem, so a
misconfigured server never serves a single request.
"""

import base64
import hashlib
import sys
from collections.abc import Mapping

from cryptography.fernet import Fernet

KNOWN_MODES = ("demo", "production")
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5
# HMAC-SHA256 gains nothing from a key longer than its 64-byte block; 32 random
# characters are well beyond guessing.
MIN_HASH_KEY_LENGTH = 32
DEMO_OIDC_CLIENT_SECRET = "townhall-demo-client-secret"  # noqa: S105
# The key the demo's fake association register accepts (townhall.demo.fake_verenigingsregister).
DEMO_VERENIGINGSREGISTER_API_KEY = "townhall-demo-verenigingsregister-key"
# The access token the demo's fake Mastodon server accepts (townhall.demo.fake_mastodon).
DEMO_MASTODON_TOKEN = "townhall-demo-mastodon-token"  # noqa: S105


def key_derived_from_secret(secret_key: str) -> str:
    """The Fernet key used when ``FIELD_ENCRYPTION_KEYS`` is empty (demo mode only).

    Defined here rather than beside the encryption in ``registry.protection``
    because the production rules must recognise it, and this module imports
    nothing of Townhall (it sits below every app in the layers contract).
    """
    derived = hashlib.sha256(b"townhall-field-encryption:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(derived).decode()


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
    problems += key_problems(settings)
    public_url = settings.get("TOWNHALL_PUBLIC_URL") or ""
    if not public_url.startswith("https://") or "127.0.0.1" in public_url:
        problems.append(
            "TOWNHALL_PUBLIC_URL must be the site's public https:// address "
            "(links in messages point there)."
        )
    if (settings.get("EMAIL_BACKEND") or "").startswith("anymail.backends.test."):
        problems.append("TOWNHALL_EMAIL_BACKEND=anymail needs ANYMAIL_ESP (e.g. mailgun).")
    return problems


def key_problems(settings: Mapping) -> list[str]:
    """Problems of the keys that protect national numbers and of the OIDC client secret.

    Each key has its own job and its own rotation (docs/operations.md, "Keys"),
    so none may be another: a hash key equal to ``SECRET_KEY`` would make every
    stored hash stale when ``SECRET_KEY`` is rotated, and without encryption keys
    the numbers are encrypted with a key derived from ``SECRET_KEY`` that no
    rotation can keep.
    """
    problems = []
    secret_keys = {settings.get("SECRET_KEY") or "", *(settings.get("SECRET_KEY_FALLBACKS") or [])}
    demo_key = settings.get("DEMO_SECRET_KEY")
    hash_key = settings.get("NATIONAL_NUMBER_HASH_KEY") or ""
    if not hash_key:
        problems.append(
            "TOWNHALL_NATIONAL_NUMBER_HASH_KEY is missing: set it to its own long random value."
        )
    elif hash_key == demo_key:
        problems.append("TOWNHALL_NATIONAL_NUMBER_HASH_KEY is the demo key: set a secret one.")
    elif hash_key in secret_keys:
        problems.append(
            "TOWNHALL_NATIONAL_NUMBER_HASH_KEY equals SECRET_KEY (or one of its fallbacks): "
            "give it its own value, or rotating SECRET_KEY makes every stored hash stale."
        )
    elif (
        len(hash_key) < MIN_HASH_KEY_LENGTH or len(set(hash_key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS
    ):
        problems.append(
            f"TOWNHALL_NATIONAL_NUMBER_HASH_KEY is weak: use at least {MIN_HASH_KEY_LENGTH} "
            "random characters (python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    problems += _encryption_key_problems(settings, hash_key, secret_keys)
    oidc = settings.get("OIDC") or {}
    if oidc.get("PRESET") and oidc.get("CLIENT_SECRET") in ("", DEMO_OIDC_CLIENT_SECRET):
        problems.append(
            "OIDC_CLIENT_SECRET is missing or the demo secret: set the secret the identity "
            "provider issued."
        )
    return problems


def _encryption_key_problems(settings: Mapping, hash_key: str, secret_keys: set) -> list[str]:
    keys = list(settings.get("FIELD_ENCRYPTION_KEYS") or [])
    if not keys:
        return [
            "TOWNHALL_FIELD_ENCRYPTION_KEYS is empty: national numbers would be encrypted with "
            "a key derived from SECRET_KEY. Set a Fernet key (python -c 'from "
            "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
        ]
    problems = []
    demo_derived = key_derived_from_secret(settings.get("DEMO_SECRET_KEY") or "")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            problems.append(
                f"TOWNHALL_FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key "
                "(32 bytes in url-safe base64, 44 characters)."
            )
            continue
        if key == hash_key or key in secret_keys:
            problems.append(
                f"TOWNHALL_FIELD_ENCRYPTION_KEYS: key {position} equals SECRET_KEY or the "
                "hash key: give every key its own value."
            )
        elif key == demo_derived:
            problems.append(
                f"TOWNHALL_FIELD_ENCRYPTION_KEYS: key {position} is the demo key: set a secret one."
            )
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
