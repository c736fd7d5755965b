from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DemoIdpConfig(AppConfig):
    name = "townhall.demo_idp"
    label = "demo_idp"
    verbose_name = _("Demo identity provider")

    def ready(self):
        from townhall.demo_idp.clients import application_ensure_after_migrate

        post_migrate.connect(application_ensure_after_migrate, sender=self)
