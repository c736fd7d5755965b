from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "townhall.documents"
    label = "documents"
    verbose_name = _("Documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Production refuses to start without a seal that works; the kinds of document,
        # and the workflow action that issues them (cases' registry).
        from townhall.documents import actions, checks, kinds  # noqa: F401  (register them)
