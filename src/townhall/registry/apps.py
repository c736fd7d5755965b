from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "townhall.registry"
    verbose_name = _("Registers")

    def ready(self):
        # The production rules as system checks; the keys they check protect this app's data.
        from townhall import checks  # noqa: F401

        # The source connectors of the prefill register themselves by name (connectors/).
        from townhall.registry.connectors import local, verenigingsregister  # noqa: F401
