from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalityConfig(AppConfig):
    name = "townhall.municipality"
    verbose_name = _("Municipality")

    def ready(self):
        from townhall.municipality import receivers

        receivers.connect()
