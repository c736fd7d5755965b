"""The site as a client (relying party) of the demo identity provider.

The OAuth application ``townhall-demo`` is made or brought up to date after
every ``migrate`` (and after the test database is flushed), so a fresh demo
signs in without a manual step. Its secret is the site's
``OIDC["CLIENT_SECRET"]``: django-oauth-toolkit hashes it on save, so the plain
value is compared with ``check_password`` rather than read back.
"""

import logging

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import reverse
from oauth2_provider.models import Application

logger = logging.getLogger(__name__)

CLIENT_ID = "townhall-demo"
# Loopback hosts only, without a port: django-oauth-toolkit then accepts any
# port on them (RFC 8252 section 7.3), so the demo and the tests' live server
# both work and no other host is ever redirected to.
LOOPBACK_HOSTS = ("127.0.0.1", "[::1]", "localhost")


def redirect_uris() -> list[str]:
    """The relying party's callback on every loopback host."""
    path = reverse("accounts:oidc_callback")
    return [f"http://{host}{path}" for host in LOOPBACK_HOSTS]


@transaction.atomic
def application_ensure() -> Application | None:
    """Make the site's OAuth application, or correct it; idempotent."""
    secret = settings.OIDC.get("CLIENT_SECRET", "")
    if not secret:
        logger.warning("Demo identity provider: OIDC client secret is empty; no client made.")
        return None
    wanted = {
        "name": "Townhall (demo)",
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
        "algorithm": Application.RS256_ALGORITHM,
        "skip_authorization": True,
        "hash_client_secret": True,
        "redirect_uris": " ".join(redirect_uris()),
        "post_logout_redirect_uris": "",
    }
    application = Application.objects.filter(client_id=CLIENT_ID).first()
    if application is None:
        application = Application(client_id=CLIENT_ID)
    changed = application.pk is None
    for field, value in wanted.items():
        if getattr(application, field) != value:
            setattr(application, field, value)
            changed = True
    if not check_password(secret, application.client_secret):
        application.client_secret = secret  # hashed by the field on save
        changed = True
    if changed:
        application.full_clean()
        application.save()
    return application


def application_ensure_after_migrate(sender, *, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """``post_migrate`` handler (also sent after a test flush, without a migration plan);
    skipped while the provider's tables are not there yet."""
    if using != DEFAULT_DB_ALIAS:
        return
    if Application._meta.db_table not in connections[using].introspection.table_names():
        return
    application_ensure()
