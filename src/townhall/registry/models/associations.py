"""What only the association register (Verenigingsregister) says about an association.

- :class:`AssociationActivity`: its main activities (hoofdactiviteiten) from the
  Verenigingsloket's code list, such as ``SPRT`` "Sport". They are not NACE
  codes (the enterprise register's economic activities) and are kept apart.
- :class:`RegisterFeedPosition`: how far a register's change feed has been read.

:mod:`townhall.registry.associations` writes both.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.registry.models.organisations import Organisation


class AssociationActivity(models.Model):
    """One main activity of an association (hoofdactiviteit Verenigingsloket)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="association_activities",
        verbose_name=_("organisation"),
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("main activity of an association")
        verbose_name_plural = _("main activities of associations")
        ordering = ["organisation", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="unique_association_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RegisterFeedPosition(models.Model):
    """The last position read in an outside register's change feed, one row per feed."""

    feed = models.CharField(_("feed"), max_length=40, unique=True)
    position = models.CharField(_("position"), max_length=60)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("position in a register's change feed")
        verbose_name_plural = _("positions in registers' change feeds")

    def __str__(self) -> str:
        return f"{self.feed}: {self.position}"
