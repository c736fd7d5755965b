from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from townhall.accounts.admin_sections import TECHNICAL_APPS


class AccountsConfig(AppConfig):
    default = True  # this module holds two configs; "townhall.accounts" means this one
    name = "townhall.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # email_accounts registers the secret source that makes sign-in links.
        from townhall.accounts import assisted, email_accounts, roles  # noqa: F401

        # Every installation gets the roles per department after each migrate.
        post_migrate.connect(
            roles.roles_sync_after_migrate, sender=self, dispatch_uid="townhall_roles_sync"
        )
        assisted.connect_signals()


class StaffAdminConfig(admin_apps.AdminConfig):
    """The Django admin, whose site demands the staff sign-in with a second factor.

    Listed in ``INSTALLED_APPS`` instead of ``django.contrib.admin``; ``admin.site``
    and ``@admin.register`` work as before.
    """

    default = False
    default_site = "townhall.accounts.second_factor.StaffAdminSite"

    def ready(self):
        super().ready()
        # Runs once every app's config exists; the optional ones may be absent.
        from django.apps import apps

        for label, name in TECHNICAL_APPS.items():
            if label in apps.app_configs:
                apps.app_configs[label].verbose_name = name
