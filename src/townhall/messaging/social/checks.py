"""The system check of the social media accounts: every configured account must build.

An account with an unknown plugin, a missing secret (its environment variable
unset) or a malformed address stops ``runserver``, ``migrate`` and the workers
with a message naming the account, instead of failing post after post later.
"""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from townhall.messaging.social.configuration import account_built, social_settings


@checks.register()
def social_accounts_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    accounts = social_settings()["ACCOUNTS"]
    if not isinstance(accounts, dict):
        return [
            checks.Error(
                "TOWNHALL_SOCIAL ACCOUNTS must map account codes to their settings.",
                hint="See docs/configuration.md, Social media.",
                id="townhall.E020",
            )
        ]
    errors = []
    for code, entry in accounts.items():
        try:
            account_built(code, entry)
        except ImproperlyConfigured as error:
            errors.append(
                checks.Error(
                    str(error), hint="See docs/configuration.md, Social media.", id="townhall.E021"
                )
            )
    return errors
