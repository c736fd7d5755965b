from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "townhall.cases"
    label = "cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The tracking page reads a submission's status from its case through its registry.
        from townhall.cases import actions, receivers, tracking  # noqa: F401  (register them)
