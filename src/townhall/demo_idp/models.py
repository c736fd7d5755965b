"""The demo identity provider's accounts: one per person of the register it signs in."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoIdentity(models.Model):
    """The provider's own account for one person of the demo register (a persona).

    The provider is a separate party from the site: its ``user`` (username
    ``demo-idp-<persona>-<person id>``, no usable password, never signed in
    to the site) is what django-oauth-toolkit issues codes and tokens for, and
    its primary key is the ``sub`` claim. The site's own resident account is a
    different row, made when the person signs in.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="demo_identity",
        verbose_name=_("account at the identity provider"),
    )
    person = models.OneToOneField(
        "registry.Person",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person in the register"),
    )
    persona = models.CharField(_("persona"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demo identity")
        verbose_name_plural = _("demo identities")

    def __str__(self) -> str:
        return f"{self.persona}: {self.person}"
