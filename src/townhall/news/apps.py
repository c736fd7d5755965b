from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "townhall.news"
    label = "news"
    verbose_name = _("News and alerts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The secret sources of the subscription messages (confirmation link, SMS code,
        # unsubscribe link), which the outbox asks for at hand-over.
        from townhall.news import receivers, subscription_messages, tasks  # noqa: F401
