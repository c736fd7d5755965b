from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "townhall.courses"
    label = "courses"
    verbose_name = _("Computer courses")
    default_auto_field = "django.db.models.BigAutoField"
