from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EformsConfig(AppConfig):
    name = "townhall.eforms"
    label = "eforms"
    verbose_name = _("Online forms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The catalogue's "Ask online" finds this app's forms through its registry.
        from townhall.eforms import online  # noqa: F401
