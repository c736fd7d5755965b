from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportersConfig(AppConfig):
    name = "townhall.importers"
    label = "importers"
    verbose_name = _("Imports of the authentic sources")

    def ready(self):
        # The importers register themselves by name (see registry.py).
        from townhall.importers import best, kbo, kbo_update, population  # noqa: F401
