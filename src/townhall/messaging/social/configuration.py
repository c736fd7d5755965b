"""The ``TOWNHALL_SOCIAL`` setting, and the accounts it configures.

``ACCOUNTS`` maps an account's code to its plugin and options::

    {"gemeente": {"PLUGIN": "mastodon", "BASE_URL": "https://mastodon.example",
                  "TOKEN_ENV": "TOWNHALL_SOCIAL_GEMEENTE_TOKEN"},
     "bluesky-bridge": {"PLUGIN": "webhook", "URL": "https://bridge.example/post",
                        "SECRET_ENV": "TOWNHALL_SOCIAL_BRIDGE_SECRET", "MAX_LENGTH": 300}}

A secret (the Mastodon access token, the webhook's signing secret) never sits in
the setting itself: ``TOKEN_ENV`` and ``SECRET_ENV`` name the environment
variable that holds it, read with django-environ. Only the demo's own account
carries its (public, demo-only) token as ``TOKEN``. ``TIMEOUT`` (connect, read
seconds) applies to every account. The system check
(:mod:`townhall.messaging.social.checks`) refuses an account whose plugin is
unknown or whose secret is missing.
"""

from collections.abc import Mapping
from typing import Any

import environ
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from townhall.messaging.social.channels import (
    DEFAULT_TIMEOUT,
    Registry,
    SocialChannel,
    UnknownSocialChannel,
    register,
)

DEFAULTS: dict[str, Any] = {
    "ACCOUNTS": {},
    "TIMEOUT": DEFAULT_TIMEOUT,
    # Retries of a temporary failure: 1, 2, 4 ... minutes, at most RETRY_MAX apart,
    # given up RETRY_HORIZON after the post was asked for.
    "RETRY_FIRST": 60,
    "RETRY_MAX": 1800,
    "RETRY_HORIZON": 6 * 3600,
    "SENDING_TIMEOUT": 600,
    "QUEUED_TIMEOUT": 900,
}
# The options of each plugin, and the environment variable options that hold a secret.
OPTIONS = {
    "mastodon": {"BASE_URL": "base_url", "TOKEN": "token"},
    "webhook": {"URL": "url", "SECRET": "secret", "MAX_LENGTH": "max_length"},
}
SECRETS = {"TOKEN_ENV": "TOKEN", "SECRET_ENV": "SECRET"}
env = environ.Env()


def social_settings() -> dict[str, Any]:
    """``TOWNHALL_SOCIAL`` over the defaults."""
    return {**DEFAULTS, **getattr(settings, "TOWNHALL_SOCIAL", {})}


def account_get(code: str, *, registry: Registry | None = None) -> SocialChannel:
    """The configured account ``code``; :class:`UnknownSocialChannel` names the known ones."""
    accounts = social_settings()["ACCOUNTS"]
    if code not in accounts:
        known = ", ".join(sorted(accounts)) or "none"
        raise UnknownSocialChannel(
            f"No social media account is configured as {code!r} (configured: {known})."
        )
    return account_built(code, accounts[code], registry=registry)


def account_codes() -> list[str]:
    """The configured accounts' codes, in the order of the setting."""
    return list(social_settings()["ACCOUNTS"])


def account_built(
    code: str, entry: Mapping[str, Any], *, registry: Registry | None = None
) -> SocialChannel:
    """Build one account; ImproperlyConfigured says what is wrong with its entry."""
    registry = register if registry is None else registry
    prefix = f"Social media account {code!r}"
    if not isinstance(entry, Mapping):
        raise ImproperlyConfigured(f"{prefix} is not a dict.")
    plugin = entry.get("PLUGIN", "")
    try:
        cls = registry[plugin]
    except UnknownSocialChannel as error:
        raise ImproperlyConfigured(f"{prefix}: {error}") from None
    values = dict(entry)
    for variable_key, secret_key in SECRETS.items():
        if variable_key in values:
            name = values.pop(variable_key)
            values[secret_key] = env.str(name, default="") if name else ""
            if not values[secret_key]:
                raise ImproperlyConfigured(
                    f"{prefix}: the environment variable {name!r} ({variable_key}) is not set."
                )
    allowed = OPTIONS.get(plugin, {})
    unknown = sorted(set(values) - set(allowed) - {"PLUGIN"})
    if unknown:
        raise ImproperlyConfigured(f"{prefix}: unknown options {', '.join(unknown)}.")
    kwargs = {allowed[key]: value for key, value in values.items() if key in allowed}
    problem = _problem(plugin, kwargs)
    if problem:
        raise ImproperlyConfigured(f"{prefix}: {problem}.")
    return cls(code=code, timeout=_timeout(social_settings()["TIMEOUT"]), **kwargs)


def _problem(plugin: str, kwargs: dict[str, Any]) -> str:
    address = {"mastodon": "base_url", "webhook": "url"}.get(plugin)
    if address and not str(kwargs.get(address, "")).startswith(("https://", "http://")):
        return f"{address.upper()} must be an http(s) address"
    if plugin == "mastodon" and not kwargs.get("token"):
        return "it needs its access token (TOKEN_ENV names the environment variable)"
    if plugin == "webhook" and not kwargs.get("secret"):
        return "it needs its signing secret (SECRET_ENV names the environment variable)"
    limit = kwargs.get("max_length")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        return "MAX_LENGTH must be a positive number of characters"
    return ""


def _timeout(value: Any) -> tuple[float, float]:
    pair = (value, value) if isinstance(value, int | float) else tuple(value or ())
    if len(pair) != 2 or not all(isinstance(s, int | float) and s > 0 for s in pair):
        raise ImproperlyConfigured("TOWNHALL_SOCIAL TIMEOUT must be seconds or (connect, read).")
    return (float(pair[0]), float(pair[1]))
