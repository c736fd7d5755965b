from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "townhall.news"
    label = "news"
    verbose_name = _("News and alerts")
    default_auto_field = "django.db.models.BigAutoField"
