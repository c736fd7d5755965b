"""The administration's sections (its apps) as staff read them.

Imports nothing of Townhall, so the app configs and the admin site both use it.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# The apps of installed packages that only the technical roles need, with the names staff
# read in the administration (the packages' own are English: "Axes", "OTP_TOTP",
# "Tasks Database Backend"). The administration lists them after the municipality's own
# apps; which roles see them at all follows from their permissions (accounts.roles: only
# ICT, for lockouts and second factors; the administrator sees everything).
TECHNICAL_APPS = {
    "axes": _("Sign-in attempts and lockouts"),
    "otp_totp": _("Second factor: authenticator apps"),
    "otp_static": _("Second factor: backup codes"),
    "oauth2_provider": _("Demo identity provider: sign-in tokens"),
    "django_tasks_database": _("Background tasks"),
    "django_rq": _("Task queues (Redis)"),
}
# Names of those packages' models as the packages mark them for translation, which they
# do not translate into Dutch: listed here so that the project's catalogue holds them.
# Not django-axes' "access log": the project's own "access log" (who looked at a person's
# record) has that word, and one word cannot have two translations.
PACKAGE_MODEL_NAMES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
)
